package io.cmsrouter.api;

import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where HTTP requests run their routes: on the servlet container's request thread. camel-platform-http would hand
 * each request to Spring's task executor (8 threads): a ninth webhook would then queue behind eight waiting for
 * their group commit, so batches could never grow past eight. On the request thread, concurrent requests are
 * bounded by {@code server.tomcat.threads.max} instead, and there is no hand-off between threads.
 */
@Configuration(proxyBeanMethods = false)
public class HttpThreads {

    @Bean("platform-http-engine")
    public PlatformHttpEngine platformHttpEngine(@Value("${server.port}") int port) {
        return new SpringBootPlatformHttpEngine(port, Runnable::run);
    }
}
