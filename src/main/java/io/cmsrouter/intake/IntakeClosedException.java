package io.cmsrouter.intake;

/** A webhook that arrived while the router is shutting down: it should be delivered again later. */
public class IntakeClosedException extends RuntimeException {
    private final int retryAfterSeconds;

    public IntakeClosedException(int retryAfterSeconds) {
        super("the router is shutting down; deliver again later");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int getRetryAfterSeconds() {
        return retryAfterSeconds;
    }
}
