package io.cmsrouter.contentstack;

import org.apache.camel.CamelContext;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ExecutorService;

/**
 * The threads that fetch and apply fanned-out items. One pool for every job and release, so
 * {@code router.fanout.concurrency} bounds the router's concurrent CMS calls whatever arrives at once.
 */
@Configuration(proxyBeanMethods = false)
public class FanoutPoolConfiguration {

    @Bean(name = "fanoutPool", destroyMethod = "")
    public ExecutorService fanoutPool(CamelContext camel, @Value("${router.fanout.concurrency}") int concurrency) {
        // Camel's executor manager owns the pool's lifecycle and shuts it down with the context.
        return camel.getExecutorServiceManager().newFixedThreadPool(this, "fanout", concurrency);
    }
}
