package io.cmsrouter.downstream;

import io.cmsrouter.common.ConflictException;
import io.cmsrouter.common.NotFoundException;
import io.cmsrouter.retry.Failures;
import io.cmsrouter.downstream.DownstreamProperties.Target;
import io.cmsrouter.webhook.Channels;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configured downstream targets at run time: who subscribes to what, each target's circuit breaker, whether a
 * 410 Gone disabled it, and how a request to it is authenticated and signed.
 */
@Component("targets")
public class Targets {
    private static final Logger LOG = LoggerFactory.getLogger(Targets.class);
    /** The exchange property holding the name of the target a delivery route serves. */
    public static final String TARGET = "target";

    private final Map<String, Target> configured = new LinkedHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
    private final Map<String, String> disabledAtRunTime = new ConcurrentHashMap<>();
    private final OAuth2Tokens tokens;
    private final Channels channels;
    private final int pollBatch;

    public Targets(DownstreamProperties properties, OAuth2Tokens tokens, Channels channels) {
        List<String> problems = properties.problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Downstream targets are misconfigured:\n  - " + String.join("\n  - ", problems));
        }
        this.tokens = tokens;
        this.channels = channels;
        this.pollBatch = properties.getDelivery().getPollBatch();
        int threshold = properties.getDelivery().getFailureThreshold();
        // a count window as large as the threshold, all of it failed: the threshold's consecutive failures open it
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(threshold)
                .minimumNumberOfCalls(threshold)
                .failureRateThreshold(100)
                .waitDurationInOpenState(properties.getDelivery().getOpenWait())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build();
        for (Target target : properties.getTargets()) {
            configured.put(target.getName(), target);
            if (target.isEnabled()) {
                CircuitBreaker breaker = CircuitBreaker.of("target-" + target.getName(), breakerConfig);
                breaker.getEventPublisher().onStateTransition(event -> LOG.warn("Target {}: circuit breaker {}",
                        target.getName(), event.getStateTransition()));
                breakers.put(target.getName(), breaker);
            }
        }
    }

    /** Every configured target, enabled in the configuration or not. */
    public Collection<Target> all() {
        return configured.values();
    }

    /** The targets enabled in the configuration: each has a delivery route and a circuit breaker. */
    public List<Target> deliverable() {
        return configured.values().stream().filter(Target::isEnabled).toList();
    }

    public Optional<Target> find(String name) {
        return Optional.ofNullable(configured.get(name));
    }

    public CircuitBreaker breaker(String name) {
        return breakers.get(name);
    }

    /** Why a target was disabled while running (it answered 410 Gone), or null. */
    public String disabledReason(String name) {
        return disabledAtRunTime.get(name);
    }

    /**
     * The targets subscribed to an execution's channels, each with the most specific channel it matched. A target
     * disabled by a 410 still subscribes: its notifications wait until it is enabled again.
     */
    public Map<Target, String> subscribers(List<String> executionChannels) {
        Map<Target, String> subscribed = new LinkedHashMap<>();
        for (Target target : deliverable()) {
            channels.mostSpecificMatch(executionChannels, String.join(" ", target.getChannels()))
                    .ifPresent(channel -> subscribed.put(target, channel));
        }
        return subscribed;
    }

    /**
     * How many notifications the target's route may send now: none while it is disabled or its breaker is open,
     * one probe while the breaker is half-open, else a batch.
     */
    public int sendable(String name) {
        if (disabledAtRunTime.containsKey(name)) {
            return 0;
        }
        return switch (breakers.get(name).getState()) {
            case CLOSED -> pollBatch;
            case HALF_OPEN -> 1;
            default -> 0;
        };
    }

    /**
     * Makes the request for one attempt: the payload as body, the target's headers and credentials, and a fresh
     * Standard Webhooks signature (webhook-id stays the notification's on every attempt; the timestamp is now's).
     */
    public void prepare(@ExchangeProperty("notification") Deliveries.Notification notification, Exchange exchange)
            throws IOException {
        Target target = configured.get(notification.target());
        byte[] body = notification.payload();
        Message message = exchange.getMessage();
        message.removeHeaders("*", "CamelRedelivery.*");
        target.getHeaders().forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        String query = URI.create(target.getUrl()).getRawQuery();
        if (query != null) {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        String authorization = authorization(target);
        if (authorization != null) {
            message.setHeader("Authorization", authorization);
        }
        long timestamp = Instant.now().getEpochSecond();
        message.setHeader(StandardWebhooks.ID, notification.uid());
        message.setHeader(StandardWebhooks.TIMESTAMP, Long.toString(timestamp));
        message.setHeader(StandardWebhooks.SIGNATURE,
                StandardWebhooks.signature(target.signingKey(), notification.uid(), timestamp, body));
        message.setBody(body);
    }

    /** The URL up to its path: what may be shown and logged (a query or user info may hold a secret). */
    public static String withoutQuery(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    /** True while the target's notifications wait: a 410 disabled it, or its breaker is open. */
    public boolean holding(@ExchangeProperty(TARGET) String name) {
        return sendable(name) == 0;
    }

    private String authorization(Target target) throws IOException {
        DownstreamProperties.Auth auth = target.getAuth();
        return switch (auth.getType()) {
            case NONE -> null;
            case BASIC -> "Basic " + Base64.getEncoder().encodeToString(
                    (auth.getUser() + ":" + (auth.getPassword() == null ? "" : auth.getPassword()))
                            .getBytes(StandardCharsets.UTF_8));
            case BEARER -> "Bearer " + auth.getToken();
            case OAUTH2 -> "Bearer " + tokens.token(target.getName(), auth);
        };
    }

    /**
     * Whether a failed delivery is worth another attempt: what is transient for CMS calls, and a 401 from an OAuth 2.0
     * target, whose token is then dropped so the next attempt fetches a new one.
     */
    public boolean retryable(@ExchangeProperty(TARGET) String name, Exchange exchange) {
        Throwable failure = Failures.of(exchange);
        Target target = configured.get(name);
        if (Failures.statusCode(failure) == 401 && target.getAuth().getType() == DownstreamProperties.AuthType.OAUTH2) {
            tokens.invalidate(name);
            return true;
        }
        return Failures.isTransientCause(failure);
    }

    /** 410 Gone: the receiver says it will never take notifications again. */
    public boolean isGone(Exchange exchange) {
        return Failures.statusCode(Failures.of(exchange)) == 410;
    }

    public void disable(@ExchangeProperty(TARGET) String name, Exchange exchange) {
        String reason = Failures.describe(Failures.of(exchange));
        disabledAtRunTime.put(name, reason);
        LOG.error("TARGET {} DISABLED: it answered 410 Gone ({}). Its notifications are held; enable it again with"
                + " POST /targets/{}/enable or by restarting with it enabled in the configuration.", name, reason, name);
    }

    /**
     * Enables a target again after a 410 and closes its breaker, so held notifications go out now.
     *
     * @throws TargetNotFoundException when no target has that name
     * @throws TargetDisabledInConfigurationException when the configuration itself disables the target
     */
    public void enable(String name) {
        Target target = find(name).orElseThrow(() -> new TargetNotFoundException(name));
        if (!target.isEnabled()) {
            throw new TargetDisabledInConfigurationException(name);
        }
        disabledAtRunTime.remove(name);
        breakers.get(name).reset();
        LOG.info("Target {} enabled", name);
    }

    public static class TargetNotFoundException extends NotFoundException {
        public TargetNotFoundException(String name) {
            super("no target named '" + name + "'");
        }
    }

    public static class TargetDisabledInConfigurationException extends ConflictException {
        public TargetDisabledInConfigurationException(String name) {
            super("target '" + name + "' is disabled in the configuration (router.targets[..].enabled); enable it there");
        }
    }
}
