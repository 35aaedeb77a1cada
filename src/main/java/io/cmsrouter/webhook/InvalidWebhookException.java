package io.cmsrouter.webhook;

/** A request the router refuses, with the HTTP status and the reason the caller is told. */
public class InvalidWebhookException extends RuntimeException {
    private final int status;

    public InvalidWebhookException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }
}
