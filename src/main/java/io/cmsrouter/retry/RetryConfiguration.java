package io.cmsrouter.retry;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * {@code transientRetries}: how a transient failure (I/O error, 5xx, 429) of an HTTP call is retried in process,
 * for CMS calls and downstream deliveries alike, before the durable schedule ({@link Backoff}) takes over:
 * exponential backoff with collision-avoidance jitter; a 429/503 Retry-After sets the delay instead
 * ({@link RetryAfter}). Built here because its settings are durations ({@code 500ms}, {@code 30s}).
 */
@Configuration(proxyBeanMethods = false)
public class RetryConfiguration {

    @Bean("transientRetries")
    public RedeliveryPolicy transientRetries(@Value("${router.retry.max-redeliveries}") int maxRedeliveries,
                                             @Value("${router.retry.initial-delay}") Duration initialDelay,
                                             @Value("${router.retry.backoff-multiplier}") double multiplier,
                                             @Value("${router.retry.max-delay}") Duration maxDelay) {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(maxRedeliveries);
        policy.setRedeliveryDelay(initialDelay.toMillis());
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(multiplier);
        policy.setUseCollisionAvoidance(true);
        policy.setMaximumRedeliveryDelay(maxDelay.toMillis());
        policy.setRetryAttemptedLogLevel(LoggingLevel.WARN);
        policy.setLogStackTrace(false);
        policy.setLogExhausted(false);
        return policy;
    }
}
