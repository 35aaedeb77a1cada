package io.cmsrouter.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Every webhook's answer, counted where it leaves (README "Metrics"): {@code router.webhooks.received} by source,
 * outcome and status, and {@code router.webhooks.ack}, the time from its arrival to its answer, as a histogram.
 * Outside the other filters, so the refusals they answer (413, 415, 401) are counted too.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookMetrics {

    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> webhookMeters(MeterRegistry meters) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                long start = System.nanoTime();
                boolean escaped = true;
                try {
                    chain.doFilter(request, response);
                    escaped = false;
                } finally {
                    String source = source(request.getRequestURI());
                    // a failure that escaped the chain is answered 500 by the container, whatever the status says yet
                    int status = escaped ? 500 : response.getStatus();
                    String outcome = outcome(status);
                    Counter.builder("router.webhooks.received").description("Webhooks answered")
                            .tags("source", source, "outcome", outcome, "status", Integer.toString(status))
                            .register(meters).increment();
                    Timer.builder("router.webhooks.ack").description("From a webhook's arrival to its answer")
                            .tags("source", source, "outcome", outcome).publishPercentileHistogram()
                            .register(meters).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
            }
        });
        registration.addUrlPatterns("/webhooks/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** The last path segment of /webhooks/{source}; anything else under /webhooks is "other". */
    static String source(String uri) {
        String rest = uri.startsWith("/webhooks/") ? uri.substring("/webhooks/".length()) : "";
        return rest.equals("contentstack") || rest.equals("contentful") ? rest : "other";
    }

    static String outcome(int status) {
        if (status == 202) {
            return "accepted";
        }
        if (status == 200) {
            return "duplicate";
        }
        if (status == 503) {
            return "unavailable";
        }
        return status >= 400 && status < 500 ? "refused" : "failed";
    }
}
