package io.cmsrouter.intake;

/**
 * A webhook the router cannot take now (it is shutting down, or its journal could not record it in time): it should
 * be delivered again after a while, and Contentstack does so for any answer but a 2xx.
 */
public class IntakeUnavailableException extends RuntimeException {
    private final int retryAfterSeconds;

    public IntakeUnavailableException(String reason, int retryAfterSeconds) {
        super(reason);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int getRetryAfterSeconds() {
        return retryAfterSeconds;
    }
}
