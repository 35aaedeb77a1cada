package io.cmsrouter.webhook;

/** A webhook body that is not a JSON object the router can read: empty, not JSON, or nested too deep. */
public class MalformedWebhookException extends RuntimeException {
    public MalformedWebhookException(String reason) {
        super(reason);
    }
}
