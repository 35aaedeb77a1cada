package io.cmsrouter.downstream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Each downstream target as Prometheus sees it (README "Metrics"): {@code router.target.state}, 0 when it is sent
 * to, 1 while its breaker is half-open (one probe), 2 while it is open, 3 while the target is disabled (in the
 * configuration, or after a 410); and {@code router.target.notifications}, what became of each notification sent.
 */
@Component
public class TargetMeters {
    private final MeterRegistry meters;

    public TargetMeters(Targets targets, MeterRegistry meters) {
        this.meters = meters;
        for (DownstreamProperties.Target target : targets.all()) {
            String name = target.getName();
            Gauge.builder("router.target.state", targets, t -> state(t, target))
                    .description("0 sending, 1 half-open, 2 open, 3 disabled").tag("target", name).register(meters);
        }
    }

    private static double state(Targets targets, DownstreamProperties.Target target) {
        if (!target.isEnabled() || targets.disabledReason(target.getName()) != null) {
            return 3;
        }
        CircuitBreaker breaker = targets.breaker(target.getName());
        if (breaker == null) {
            return 0;
        }
        return switch (breaker.getState()) {
            case HALF_OPEN -> 1;
            case OPEN, FORCED_OPEN -> 2;
            default -> 0;
        };
    }

    /** delivered, held (breaker open or target gone), rescheduled, dead-letter. */
    void count(String target, String outcome) {
        meters.counter("router.target.notifications", "target", target, "outcome", outcome).increment();
    }
}
