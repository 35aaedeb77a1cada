package io.cmsrouter.retry;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Runs when a CMS call or a downstream delivery fails, before Camel computes the next redelivery delay: a 429 or 503 with
 * {@code Retry-After} (seconds or an HTTP date) or Contentful's {@code X-Contentful-RateLimit-Reset} sets that delay; any other failure leaves the route configuration's
 * exponential backoff with jitter in charge.
 */
@Component("retryAfter")
public class RetryAfter implements Processor {
    private final long maxDelayMillis;

    public RetryAfter(@Value("${router.retry.max-retry-after}") Duration maxDelay) {
        this.maxDelayMillis = maxDelay.toMillis();
    }

    @Override
    public void process(Exchange exchange) {
        Long delay = null;
        HttpOperationFailedException http = Failures.httpAnswer(Failures.of(exchange));
        if (http != null && http.getResponseHeaders() != null) {
            delay = http.getResponseHeaders().entrySet().stream()
                    // Contentful states the wait in X-Contentful-RateLimit-Reset (seconds)
                    .filter(h -> h.getKey().equalsIgnoreCase("Retry-After")
                            || h.getKey().equalsIgnoreCase("X-Contentful-RateLimit-Reset"))
                    .map(h -> parseMillis(h.getValue()))
                    .filter(d -> d != null)
                    .findFirst().orElse(null);
        }
        if (delay == null) {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        } else {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.min(delay, maxDelayMillis));
        }
    }

    static Long parseMillis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v)) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
