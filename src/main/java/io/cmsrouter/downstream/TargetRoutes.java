package io.cmsrouter.downstream;

import io.cmsrouter.downstream.DownstreamProperties.Target;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * One delivery route per enabled target, made from the {@code target-delivery} route template
 * (routes/downstream.camel.yaml) once the YAML routes are loaded: route {@code deliver-to-<name>}, with the
 * target's own circuit breaker bound in the registry as {@code breaker-<name>}.
 */
@Component
public class TargetRoutes implements CamelContextConfiguration {
    public static final String TEMPLATE = "target-delivery";
    private static final String ROUTE_PREFIX = "deliver-to-";

    private final Targets targets;
    private final long pollInterval;

    public TargetRoutes(Targets targets, DownstreamProperties properties) {
        this.targets = targets;
        this.pollInterval = properties.getDelivery().getPollInterval().toMillis();
    }

    /**
     * The throttle's requests per period for a rate in requests per second, never above it: 20/s is 20 per 1,000 ms,
     * 2.5/s is 2 per 800 ms, 0.5/s is 1 per 2,000 ms. A rate of 0 (no ceiling) skips the throttle, which keeps one
     * permit object per request it allows.
     */
    static long[] ceiling(double rate) {
        if (rate == 0) {
            return new long[] {1, 1000};
        }
        long requests = Math.max(1, (long) Math.floor(rate));
        return new long[] {requests, (long) Math.ceil(1000 * requests / rate)};
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the templates are loaded with the routes, after this
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        addTo(camel);
    }

    /** The ids of the routes {@link #addTo} makes. */
    public List<String> routeIds() {
        return targets.deliverable().stream().map(target -> ROUTE_PREFIX + target.getName()).toList();
    }

    /** Makes each enabled target's route from the template as it is now (at start, and after a route reload). */
    public void addTo(CamelContext camel) {
        for (Target target : targets.deliverable()) {
            String name = target.getName();
            camel.getRegistry().bind("breaker-" + name, targets.breaker(name));
            long[] ceiling = ceiling(target.getRate());
            TemplatedRouteBuilder.builder(camel, TEMPLATE)
                    .routeId(ROUTE_PREFIX + name)
                    .prefixId(name + "-")
                    .parameter("target", name)
                    // the query goes in the request (TargetRequests.prepare), never in the endpoint URI: Camel
                    // would read parameters named like its own options, and log the rest
                    .parameter("url", TargetRequests.withoutQuery(target.getUrl()))
                    .parameter("pollInterval", pollInterval)
                    .parameter("limited", target.getRate() > 0)
                    .parameter("requests", ceiling[0])
                    .parameter("perMillis", ceiling[1])
                    .add();
        }
    }
}
