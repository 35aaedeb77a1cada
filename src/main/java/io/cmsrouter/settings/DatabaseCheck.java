package io.cmsrouter.settings;

import io.cmsrouter.store.StorageConfiguration;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Opens the router's database once, with the connection settings its pool will use, and closes it: a URL, a server
 * or credentials that do not work are said before anything starts. What it reports never holds a credential.
 */
final class DatabaseCheck {
    private DatabaseCheck() {
    }

    static List<String> problems(ConfigurableEnvironment env, String dataDir) {
        String configured = env.getProperty("spring.datasource.url", "");
        String url = StorageConfiguration.url(configured, dataDir);
        String setting = configured.isBlank() ? "router.data-dir (ROUTER_DATA_DIR) " + dataDir
                : "spring.datasource.url (SPRING_DATASOURCE_URL) " + shown(url);
        Properties login = new Properties();
        Binder.get(env).bind("spring.datasource.hikari.data-source-properties", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of()).forEach(login::setProperty);
        String user = env.getProperty("spring.datasource.hikari.username", env.getProperty("spring.datasource.username", ""));
        String password = env.getProperty("spring.datasource.hikari.password",
                env.getProperty("spring.datasource.password", ""));
        login.setProperty("user", user);
        login.setProperty("password", password);
        String opened = url;
        if (url.startsWith("jdbc:postgresql:")) {
            login.putIfAbsent("loginTimeout", "10");
        } else if (url.startsWith("jdbc:h2:") && !url.toUpperCase(Locale.ROOT).contains("TRACE_LEVEL_FILE")) {
            // a database H2 cannot create is reported here, not in a stack trace H2 prints on its own
            opened = url + ";TRACE_LEVEL_FILE=0";
        }
        try (Connection ignored = DriverManager.getConnection(opened, login)) {
            return List.of();
        } catch (SQLException e) {
            if ("08001".equals(e.getSQLState()) && e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                return List.of(setting + ": not a JDBC URL of a database the router supports (jdbc:postgresql://host:5432/db,"
                        + " or empty for the embedded H2)");
            }
            // H2's 90020: the file is locked by another process
            String hint = e.getErrorCode() == 90020 ? " (is another router running on this data dir?)" : "";
            return List.of(setting + ": the database cannot be opened: " + withoutSecrets(firstLine(e.getMessage()), url,
                    password) + hint);
        }
    }

    /** The URL without what may hold a credential: user info, parameters. */
    static String shown(String url) {
        return url.replaceAll("//[^/@?;]*@", "//").replaceAll("[?;].*", "");
    }

    private static String withoutSecrets(String message, String url, String password) {
        String safe = message.replace(url, shown(url));
        return password.isEmpty() ? safe : safe.replace(password, "****");
    }

    private static String firstLine(String message) {
        return message == null ? "(no message)" : message.lines().findFirst().orElse("").trim();
    }
}
