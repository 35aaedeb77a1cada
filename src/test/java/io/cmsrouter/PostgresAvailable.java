package io.cmsrouter;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The tests through HTTP run on PostgreSQL when ROUTER_TEST_POSTGRES_URL is set (the "postgresql" surefire
 * execution sets it). Where that server cannot be reached they are skipped, with a notice on the console, unless
 * ROUTER_TEST_POSTGRES_REQUIRED=true (CI, which starts one): then they run and fail.
 */
public class PostgresAvailable implements ExecutionCondition {
    private static Boolean reachable;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String url = System.getenv("ROUTER_TEST_POSTGRES_URL");
        if (url == null) {
            return ConditionEvaluationResult.enabled("on embedded H2");
        }
        if (url.isBlank()) {
            return ConditionEvaluationResult.disabled("router.test.postgres.url is empty: skipped on PostgreSQL");
        }
        if ("true".equals(System.getenv("ROUTER_TEST_POSTGRES_REQUIRED")) || reachable(url)) {
            return ConditionEvaluationResult.enabled("on PostgreSQL at " + url);
        }
        return ConditionEvaluationResult.disabled("PostgreSQL at " + url + " cannot be reached: skipped on PostgreSQL");
    }

    /**
     * Whether tests that need PostgreSQL (ClusterIT) can run on it: the URL is set and the server answers, or CI
     * requires it (then they run and fail). Where it cannot be reached, the notice has been printed.
     */
    static boolean usable(String url) {
        return url != null && !url.isBlank()
                && ("true".equals(System.getenv("ROUTER_TEST_POSTGRES_REQUIRED")) || reachable(url));
    }

    /**
     * The settings that put a packaged router (RouterProcess) on PostgreSQL: the database at
     * ROUTER_TEST_POSTGRES_URL, in a schema of its own that routers started with the same settings share.
     */
    static List<String> routerSettings(String url) {
        String schema = "p" + UUID.randomUUID().toString().replace("-", "");
        return List.of("--spring.datasource.url=" + url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "--spring.datasource.username=" + System.getenv().getOrDefault("ROUTER_TEST_POSTGRES_USER", "router"),
                "--spring.datasource.password=" + System.getenv().getOrDefault("ROUTER_TEST_POSTGRES_PASSWORD", "router"),
                "--spring.flyway.create-schemas=true",
                "--spring.datasource.hikari.maximum-pool-size=12");
    }

    private static synchronized boolean reachable(String url) {
        if (reachable == null) {
            Properties credentials = new Properties();
            credentials.setProperty("user", System.getenv().getOrDefault("ROUTER_TEST_POSTGRES_USER", "router"));
            credentials.setProperty("password", System.getenv().getOrDefault("ROUTER_TEST_POSTGRES_PASSWORD", "router"));
            credentials.setProperty("connectTimeout", "3");
            try (Connection ignored = DriverManager.getConnection(url, credentials)) {
                reachable = true;
            } catch (SQLException e) {
                reachable = false;
                System.err.println("""

                        ********************************************************************************
                        *** PostgreSQL at %s cannot be reached (%s).
                        *** The tests through HTTP ran on H2 only; their PostgreSQL run and ClusterIT
                        *** (several routers on one database) are SKIPPED.
                        *** To run it: start PostgreSQL with a role and database "router" / "router_test"
                        *** (password "router"), or set -Drouter.test.postgres.url; .ci/run does both.
                        ********************************************************************************
                        """.formatted(url, e.getMessage()));
            }
        }
        return reachable;
    }
}
