package io.cmsrouter.api;

import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where HTTP requests run their routes: on the servlet container's request thread, start to end.
 * <p>
 * camel-platform-http would hand each request to Spring's task executor (8 threads) and answer through an
 * asynchronous dispatch: a ninth webhook would then queue behind eight waiting for their group commit, so batches
 * could never grow past eight, and every request would pass the servlet stack twice. Here the route runs on the
 * request thread (so concurrent requests are bounded by {@code server.tomcat.threads.max}), and the future it returns,
 * already complete, ends the request there and then.
 */
@Configuration(proxyBeanMethods = false)
public class HttpThreads {

    @Bean("platform-http-engine")
    public PlatformHttpEngine platformHttpEngine(@Value("${server.port}") int port) {
        return new SpringBootPlatformHttpEngine(port, Runnable::run);
    }

    @Bean
    static BeanPostProcessor completedFuturesAnswerAtOnce() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
                    handlers.add(new CompletedFuture());
                    handlers.addAll(adapter.getReturnValueHandlers());
                    adapter.setReturnValueHandlers(handlers);
                }
                return bean;
            }
        };
    }

    /** A route's answer is written by the time its future completes; a completed one needs no async dispatch. */
    static final class CompletedFuture implements HandlerMethodReturnValueHandler {
        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return CompletableFuture.class.isAssignableFrom(returnType.getParameterType());
        }

        @Override
        public void handleReturnValue(Object value, MethodParameter returnType, ModelAndViewContainer container,
                                      NativeWebRequest request) {
            CompletableFuture<?> future = (CompletableFuture<?>) value;
            if (future != null && !future.isDone()) {
                throw new IllegalStateException("a platform-http route returned before it answered");
            }
            if (future != null) {
                future.join();
            }
            container.setRequestHandled(true);
        }
    }
}
