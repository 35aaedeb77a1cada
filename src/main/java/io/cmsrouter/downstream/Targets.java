package io.cmsrouter.downstream;

import io.cmsrouter.common.InvalidSettingsException;
import io.cmsrouter.common.ConflictException;
import io.cmsrouter.common.NotFoundException;
import io.cmsrouter.retry.Failures;
import io.cmsrouter.downstream.DownstreamProperties.Target;
import io.cmsrouter.webhook.Channels;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configured downstream targets at run time: who subscribes to what, each target's circuit breaker, and whether a
 * 410 Gone disabled it ({@link TargetRequests} makes the requests). Disablement and an opened breaker are
 * shared with the other instances ({@link TargetStates}).
 */
@Component("targets")
public class Targets {
    private static final Logger LOG = LoggerFactory.getLogger(Targets.class);
    /** The exchange property holding the name of the target a delivery route serves. */
    public static final String TARGET = "target";

    private final Map<String, Target> configured = new LinkedHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
    /** Targets this instance saw answer 410, so the rest of a batch is held without asking the database. */
    private final Set<String> goneHere = ConcurrentHashMap.newKeySet();
    /** Targets whose shared breaker was open when this instance last looked: a success here closes it. */
    private final Set<String> openElsewhere = ConcurrentHashMap.newKeySet();
    private final TargetStates states;
    private final OAuth2Tokens tokens;
    private final Channels channels;
    private final int pollBatch;

    public Targets(DownstreamProperties properties, OAuth2Tokens tokens, Channels channels, TargetStates states) {
        List<String> problems = properties.problems();
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
        this.tokens = tokens;
        this.channels = channels;
        this.states = states;
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
                breaker.getEventPublisher().onStateTransition(event -> shareTransition(target.getName(),
                        event.getStateTransition().getToState(), properties.getDelivery().getOpenWait()));
                breakers.put(target.getName(), breaker);
            }
        }
    }

    private void shareTransition(String name, CircuitBreaker.State to, java.time.Duration openWait) {
        LOG.warn("Target {}: circuit breaker {}", name, to);
        try {
            if (to == CircuitBreaker.State.OPEN) {
                states.opened(name, openWait);
            } else if (to == CircuitBreaker.State.CLOSED) {
                states.closed(name);
            }
        } catch (RuntimeException e) {
            // the other instances then find out with failures of their own
            LOG.warn("Target {}: the breaker's state could not be shared: {}", name, e.toString());
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
        return states.of(name).disabledReason();
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
     * How many notifications the target's route may send now: none while it is disabled or its breaker is open (here
     * or, as shared, anywhere), one probe while the breaker is half-open, else a batch.
     */
    public int sendable(String name) {
        TargetStates.State shared = states.of(name);
        Instant now = Instant.now();
        int state = state(name, shared, now);
        if (state == DISABLED || shared.open(now)) {
            return 0;
        }
        // enabled again, perhaps through another instance
        goneHere.remove(name);
        if (shared.probing(now)) {
            openElsewhere.add(name);
        } else {
            openElsewhere.remove(name);
        }
        return state == SENDING ? pollBatch : state == PROBING ? 1 : 0;
    }

    private static final int SENDING = 0;
    private static final int PROBING = 1;
    private static final int HOLDING = 2;
    private static final int DISABLED = 3;

    /**
     * For router.target.state, as {@link #sendable} decides: 0 sending, 1 one probe at a time, 2 holding (its breaker
     * open here or, shared, anywhere), 3 disabled (in the configuration, or after a 410).
     */
    public int state(String name) {
        return state(name, states.of(name), Instant.now());
    }

    private int state(String name, TargetStates.State shared, Instant now) {
        CircuitBreaker breaker = breakers.get(name);
        if (breaker == null || shared.disabledReason() != null) {
            return DISABLED;
        }
        if (shared.open(now)) {
            return HOLDING;
        }
        return switch (breaker.getState()) {
            case CLOSED -> shared.probing(now) ? PROBING : SENDING;
            case HALF_OPEN -> PROBING;
            default -> HOLDING;
        };
    }

    /** A notification went through: a breaker another instance opened is closed for all. */
    public void delivered(String name) {
        if (openElsewhere.remove(name)) {
            states.closed(name);
        }
    }

    /** True while the target's notifications wait: a 410 disabled it, or its breaker is open. */
    public boolean holding(@ExchangeProperty(TARGET) String name) {
        return goneHere.contains(name) || switch (breakers.get(name).getState()) {
            case CLOSED, HALF_OPEN -> false;
            default -> true;
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
        states.disable(name, reason);
        goneHere.add(name);
        LOG.error("TARGET {} DISABLED: it answered 410 Gone ({}). Its notifications are held, also across restarts and"
                + " on every router sharing the database; enable it again with POST /targets/{}/enable.", name, reason,
                name);
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
        states.enable(name);
        goneHere.remove(name);
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
