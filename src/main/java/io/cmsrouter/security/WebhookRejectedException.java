package io.cmsrouter.security;

/** A webhook that did not prove where it comes from, with a reason that names no secret. */
public class WebhookRejectedException extends RuntimeException {
    private final String metricReason;

    public WebhookRejectedException(String metricReason, String reason) {
        super(reason);
        this.metricReason = metricReason;
    }

    public String getMetricReason() {
        return metricReason;
    }
}
