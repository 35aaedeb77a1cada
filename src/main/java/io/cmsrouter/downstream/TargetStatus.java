package io.cmsrouter.downstream;

import io.cmsrouter.downstream.DownstreamProperties.Target;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.Header;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator sees of the targets, at {@code GET /targets} and as the {@code downstream} component of
 * {@code /actuator/health}: state, circuit breaker and outbox counts. No credentials, and URLs without query or
 * user info.
 */
@Component("targetStatus")
public class TargetStatus {
    private final Targets targets;
    private final Outbox outbox;

    public TargetStatus(Targets targets, Outbox outbox) {
        this.targets = targets;
        this.outbox = outbox;
    }

    public Map<String, Object> list() {
        return Map.of("targets", targets.all().stream().map(this::view).toList());
    }

    public Map<String, Object> enable(@Header("name") String name) {
        targets.enable(name);
        return view(targets.find(name).orElseThrow());
    }

    /**
     * The {@code downstream} health component, always UP: a broken target is no reason to restart the router or to
     * stop sending it webhooks. The details say which targets are held and why.
     */
    @Component("downstreamHealthIndicator")
    static class Downstream implements HealthIndicator {
        private final TargetStatus status;

        Downstream(TargetStatus status) {
            this.status = status;
        }

        @Override
        public Health health() {
            Map<String, Object> details = new LinkedHashMap<>();
            for (Target target : status.targets.all()) {
                Map<String, Object> view = status.view(target);
                view.keySet().retainAll(List.of("state", "circuit_breaker", "notifications"));
                details.put(target.getName(), view);
            }
            return Health.up().withDetails(details).build();
        }
    }

    private Map<String, Object> view(Target target) {
        String name = target.getName();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", name);
        v.put("url", TargetRequests.withoutQuery(target.getUrl()));
        v.put("channels", target.getChannels());
        v.put("enabled", target.isEnabled());
        String disabledReason = targets.disabledReason(name);
        v.put("state", !target.isEnabled() ? "disabled" : disabledReason != null ? "gone" : "active");
        v.put("disabled_reason", !target.isEnabled() ? "disabled in the configuration" : disabledReason);
        v.put("auth", target.getAuth().getType().name().toLowerCase(java.util.Locale.ROOT));
        v.put("batch_size", target.getBatchSize());
        v.put("rate", target.getRate() == 0 ? null : target.getRate());
        CircuitBreaker breaker = targets.breaker(name);
        if (breaker != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("state", breaker.getState().name());
            b.put("failed_calls", breaker.getMetrics().getNumberOfFailedCalls());
            b.put("buffered_calls", breaker.getMetrics().getNumberOfBufferedCalls());
            b.put("not_permitted_calls", breaker.getMetrics().getNumberOfNotPermittedCalls());
            v.put("circuit_breaker", b);
        }
        v.put("notifications", outbox.counts(name));
        return v;
    }
}
