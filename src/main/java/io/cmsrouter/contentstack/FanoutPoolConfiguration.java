package io.cmsrouter.contentstack;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * The threads that fetch and apply fanned-out items. One pool for every job and release, so
 * {@code router.fanout.concurrency} bounds the router's concurrent CMS calls whatever arrives at once.
 */
@Configuration(proxyBeanMethods = false)
public class FanoutPoolConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(FanoutPoolConfiguration.class);

    @Bean(name = "fanoutPool", destroyMethod = "")
    public ExecutorService fanoutPool(CamelContext camel, @Value("${router.fanout.concurrency}") int concurrency,
                                      @Value("${router.dispatch.concurrency}") int dispatchers,
                                      @Value("${router.http.connections-per-host}") int connectionsPerHost) {
        connectionShortfall(connectionsPerHost, concurrency, dispatchers).ifPresent(LOG::warn);
        // Camel's executor manager owns the pool's lifecycle and shuts it down with the context.
        return camel.getExecutorServiceManager().newFixedThreadPool(this, "fanout", concurrency);
    }

    /** Every fan-out thread and dispatcher may call the same CMS host at once; beyond the pool, calls queue. */
    static Optional<String> connectionShortfall(int connectionsPerHost, int fanout, int dispatchers) {
        int wanted = fanout + dispatchers;
        return connectionsPerHost >= wanted ? Optional.empty() : Optional.of(("router.http.connections-per-host (%d)"
                + " is below router.fanout.concurrency + router.dispatch.concurrency (%d): CMS calls will wait for a"
                + " free connection; raise it to at least %d").formatted(connectionsPerHost, wanted, wanted));
    }
}
