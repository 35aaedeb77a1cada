package io.cmsrouter.security;

import io.cmsrouter.webhook.InvalidWebhookException;

/** A webhook that did not prove where it comes from: 401, with a reason that names no secret. */
public class WebhookRejectedException extends InvalidWebhookException {
    private final String metricReason;

    public WebhookRejectedException(String metricReason, String reason) {
        super(401, reason);
        this.metricReason = metricReason;
    }

    public String getMetricReason() {
        return metricReason;
    }
}
