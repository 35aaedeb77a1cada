package io.cmsrouter.settings;

import io.cmsrouter.common.InvalidSettingsException;
import io.cmsrouter.downstream.DownstreamProperties;
import io.cmsrouter.security.AdminToken;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before anything starts, the settings the router cannot run without, and reports every problem at once
 * (InvalidSettingsFailureAnalyzer prints them as Spring Boot's "APPLICATION FAILED TO START"): that its settings were
 * found at all, the admin token, the downstream targets, the route files, and that the database opens. Without it the
 * first bean to fail would stop the start, its message buried in a hundred lines of nested stack traces, and the next
 * problem would only show on the next try. Registered in META-INF/spring.factories.
 */
public class SettingsCheck implements ApplicationListener<ApplicationPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        List<String> problems = problems(event.getApplicationContext().getEnvironment());
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(problems);
        }
    }

    static List<String> problems(ConfigurableEnvironment env) {
        if (!env.containsProperty("router.data-dir")) {
            // without config/application.yaml every other setting is missing too: one problem says it all
            return List.of("config/application.yaml was not found: the router reads it, and its routes/, from the"
                    + " working directory (" + Path.of("").toAbsolutePath() + "). Start the router in its own directory,"
                    + " or set spring.config.additional-location (SPRING_CONFIG_ADDITIONAL_LOCATION) to its config/"
                    + " directory and camel.main.routes-include-pattern (CAMEL_MAIN_ROUTES_INCLUDE_PATTERN) to its"
                    + " route files");
        }
        List<String> problems = new ArrayList<>();
        String required = env.getProperty("router.admin-token-required", "true").trim();
        if (!required.equalsIgnoreCase("true") && !required.equalsIgnoreCase("false")) {
            problems.add("router.admin-token-required must be true or false");
        } else {
            AdminToken.problem(env.getProperty("router.admin-token", ""), Boolean.parseBoolean(required))
                    .ifPresent(problems::add);
        }
        problems.addAll(targets(env));
        problems.addAll(RouteFiles.problems(env.getProperty("camel.main.routes-include-pattern", "")));
        // read once: a placeholder such as ${random.uuid} gives another value each time
        problems.addAll(DatabaseCheck.problems(env, env.getProperty("router.data-dir")));
        return problems;
    }

    private static List<String> targets(ConfigurableEnvironment env) {
        try {
            return Binder.get(env).bindOrCreate("router", Bindable.of(DownstreamProperties.class)).problems();
        } catch (BindException e) {
            // the value itself is not repeated: it may be a credential
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String where = (e.getProperty() != null ? e.getProperty().getName() : e.getName()).toString();
            return List.of(where + " cannot be read: " + cause.getMessage());
        }
    }
}
