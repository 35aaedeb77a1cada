package io.cmsrouter.ui;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.io.IOException;

/**
 * The operators' dashboard: static files under {@code classpath:/static/ui/}, which Spring Boot serves beside the
 * routes platform-http maps. Its page holds no data: every call it makes to the HTTP API carries the admin token,
 * so it needs none itself. Spring MVC maps neither {@code /ui} nor {@code /ui/} to the index page on its own.
 */
@Configuration(proxyBeanMethods = false)
public class Dashboard implements WebMvcConfigurer {
    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ui", "/ui/");
        registry.addViewController("/ui/").setViewName("forward:/ui/index.html");
    }

    /**
     * The page loads only its own files and may not be framed: without a token (the local and demo profiles) a page
     * elsewhere could otherwise frame it and have its Retry and Enable buttons clicked.
     */
    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> dashboardPolicy() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
                response.setHeader("X-Frame-Options", "DENY");
                chain.doFilter(request, response);
            }
        });
        registration.addUrlPatterns("/ui", "/ui/*");
        return registration;
    }
}
