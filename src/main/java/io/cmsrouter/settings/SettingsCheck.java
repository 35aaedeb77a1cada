package io.cmsrouter.settings;

import io.cmsrouter.common.InvalidSettingsException;
import io.cmsrouter.downstream.DownstreamProperties;
import io.cmsrouter.security.AdminToken;
import io.cmsrouter.store.StorageConfiguration;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

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
        AdminToken.problem(env.getProperty("router.admin-token", ""),
                env.getProperty("router.admin-token-required", Boolean.class, true)).ifPresent(problems::add);
        problems.addAll(targets(env));
        problems.addAll(RouteFiles.problems(env.getProperty("camel.main.routes-include-pattern", "")));
        problems.addAll(database(env));
        return problems;
    }

    private static List<String> targets(ConfigurableEnvironment env) {
        try {
            return Binder.get(env).bindOrCreate("router", Bindable.of(DownstreamProperties.class)).problems();
        } catch (BindException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return List.of(e.getProperty() == null ? e.getMessage()
                    : e.getProperty().getName() + " (" + e.getProperty().getValue() + ") cannot be read: "
                    + cause.getMessage());
        }
    }

    /** Opens the database once and closes it: a URL, a server or credentials that do not work are said here. */
    private static List<String> database(ConfigurableEnvironment env) {
        String configured = env.getProperty("spring.datasource.url", "");
        String url = StorageConfiguration.url(configured, env.getProperty("router.data-dir"));
        Properties login = new Properties();
        login.setProperty("user", env.getProperty("spring.datasource.username", ""));
        login.setProperty("password", env.getProperty("spring.datasource.password", ""));
        if (url.startsWith("jdbc:postgresql:")) {
            login.setProperty("loginTimeout", "10");
        }
        if (url.startsWith("jdbc:h2:")) {
            // a database H2 cannot create is reported here, not in a stack trace H2 prints on its own
            url += ";TRACE_LEVEL_FILE=0";
        }
        try (Connection ignored = DriverManager.getConnection(url, login)) {
            return List.of();
        } catch (SQLException e) {
            String setting = configured.isBlank()
                    ? "router.data-dir (ROUTER_DATA_DIR) " + env.getProperty("router.data-dir")
                    : "spring.datasource.url (SPRING_DATASOURCE_URL) " + withoutParameters(url);
            // H2's 90020: the file is locked by another process
            String hint = e.getErrorCode() == 90020 ? " (is another router running on this data dir?)" : "";
            return List.of(setting + ": the database cannot be opened: " + firstLine(e.getMessage()) + hint);
        }
    }

    /** Parameters may hold a password. */
    private static String withoutParameters(String url) {
        return url.replaceAll("[?;].*", "");
    }

    private static String firstLine(String message) {
        return message == null ? "(no message)" : message.lines().findFirst().orElse("").trim();
    }
}
