package io.cmsrouter.downstream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Each downstream target as Prometheus sees it (README "Metrics"): {@code router.target.state} ({@link Targets#state},
 * shared by the instances) and {@code router.target.notifications}, what became of each notification sent.
 */
@Component
public class TargetMeters {
    private final MeterRegistry meters;

    public TargetMeters(Targets targets, MeterRegistry meters) {
        this.meters = meters;
        for (DownstreamProperties.Target target : targets.all()) {
            Gauge.builder("router.target.state", targets, t -> t.state(target.getName()))
                    .description("0 sending, 1 one probe, 2 holding (breaker open), 3 disabled")
                    .tag("target", target.getName()).register(meters);
        }
    }

    /** delivered, held (breaker open or target gone), rescheduled, dead-letter. */
    void count(String target, String outcome) {
        meters.counter("router.target.notifications", "target", target, "outcome", outcome).increment();
    }
}
