package io.cmsrouter.ui;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

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
}
