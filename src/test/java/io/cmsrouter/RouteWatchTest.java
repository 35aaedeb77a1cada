package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With router.routes.watch=true, saving a route file reloads the routes; a refused save changes nothing. */
@TestPropertySource(properties = {"router.routes.watch=true", "router.routes.watch-quiet-period=200ms"})
class RouteWatchTest extends RouterHttpTest {
    private static final RouteEdits ROUTES = new RouteEdits();

    @DynamicPropertySource
    static void routesCopy(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern", ROUTES::pattern);
    }

    @Test
    void aSavedFileIsLoadedAndARefusedOneChangesNothing() {
        ROUTES.write("audit.camel.yaml", route("audit-log", "log:audit"));
        await().atMost(Duration.ofSeconds(30)).until(() -> routeIds().contains("audit-log"));

        // an endpoint of no component: refused, and the route stays as it was
        ROUTES.write("audit.camel.yaml", route("audit-broken", "lgo:audit"));
        ROUTES.write("audit-2.camel.yaml", route("audit-second", "log:second"));
        JsonNode refused = await().atMost(Duration.ofSeconds(30)).until(() -> lastReload(),
                last -> last.path("outcome").asText().equals("refused"));
        assertThat(refused.path("problems").get(0).path("problem").asText())
                .isEqualTo("unknown endpoint lgo:audit: there is no Camel component 'lgo'");
        assertThat(refused.path("problems").get(0).path("line").asInt()).isEqualTo(7);
        assertThat(routeIds()).contains("audit-log").doesNotContain("audit-second", "audit-broken");

        ROUTES.write("audit.camel.yaml", route("audit-mended", "log:audit"));
        await().atMost(Duration.ofSeconds(30)).until(() -> routeIds().contains("audit-mended"));
        assertThat(routeIds()).contains("audit-second", "channel-router").doesNotContain("audit-log", "audit-broken");
    }

    private JsonNode lastReload() {
        return read(get("/admin/routes").body()).path("last_reload");
    }

    private String routeIds() {
        JsonNode routes = read(get("/admin/routes").body()).path("routes");
        return routes.findValuesAsText("id").toString();
    }

    private static String route(String id, String endpoint) {
        return """
                - route:
                    id: %s
                    from:
                      uri: direct:%s
                      steps:
                        - to:
                            uri: %s
                """.formatted(id, id, endpoint);
    }
}
