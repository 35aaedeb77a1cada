package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The OpenAPI document at GET /openapi.json is true: every answer the router gives here, successes and refusals,
 * is one it documents for that operation, with a body its schema accepts; every operation the router serves is in
 * it, and nothing else; every documented answer is exercised, or {@link #NOT_EXERCISED} says why not.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@AutoConfigureObservability // Spring Boot's tests leave /actuator/prometheus off otherwise
class OpenApiContractTest extends ContentfulHttpTest {
    private static final String HMAC_SECRET = "openapi-hmac-secret";
    private static final String TARGET_URL = "/hooks/search";

    /** Documented answers this test cannot bring about in its one configuration, and why. */
    private static final Map<String, String> NOT_EXERCISED = Map.of(
            "POST /webhooks/contentstack 503", "a router shutting down, or a journal that cannot commit",
            "POST /webhooks/contentful 503", "a router shutting down, or a journal that cannot commit",
            "GET /admin/contentstack/webhook 409", "a router without a management token",
            "POST /admin/contentstack/webhook/sync 409", "a router with registration off",
            "POST /admin/routes/reload 409", "a reload while another is under way, or a route still busy after 30s",
            "POST /admin/routes/reload 500", "new routes that fail to start, and previous ones that then fail too",
            "GET /actuator/health 503", "a router starting or shutting down",
            "GET /actuator/health/liveness 503", "a broken router",
            "GET /actuator/health/readiness 503", "a router starting or shutting down");

    /**
     * Fetched by the first test, and shared by the others (JUnit makes an instance per test; a per-class instance
     * would keep CamelSpringBootExecutionListener from starting the routes), so the last sees what all exercised.
     */
    private static OpenApiDocument api;
    private static final RouteEdits ROUTES = new RouteEdits();

    @Autowired
    CamelContext camel;

    @Autowired
    PathMappedEndpoints actuator;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mvc;

    @Autowired
    HealthEndpointGroups healthGroups;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern", ROUTES::pattern);
        registry.add("router.security.hmac-secrets[0]", () -> HMAC_SECRET);
        registry.add("router.security.max-body-size", () -> "64KB");
        registry.add("contentstack.webhook.url", () -> "https://router.example.com/webhooks/contentstack");
        reconcileWhenAsked(registry);
        registry.add("router.targets[0].name", () -> "search");
        registry.add("router.targets[0].url", () -> "${contentstack.cda-url}" + TARGET_URL);
        registry.add("router.targets[0].channels[0]", () -> "content_types.*");
        registry.add("router.targets[0].secret", () -> "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        registry.add("router.targets[0].rate", () -> "50");
        registry.add("router.targets[1].name", () -> "paused");
        registry.add("router.targets[1].url", () -> "${contentstack.cda-url}/hooks/paused");
        registry.add("router.targets[1].channels[0]", () -> "assets.*");
        registry.add("router.targets[1].secret", () -> "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        registry.add("router.targets[1].enabled", () -> "false");
    }

    @BeforeEach
    void document() {
        if (api == null) {
            HttpResponse<String> served = send(HttpRequest.newBuilder(uri("/openapi.json")).GET());
            assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
            api = new OpenApiDocument(served.body());
        }
        cms.stubFor(WireMock.post(urlPathEqualTo(TARGET_URL)).willReturn(aResponse().withStatus(204)));
        simulateContentfulDelivery();
    }

    @Test
    @Order(1)
    void theDocumentIsAValidOpenApiDocumentOpenToAnyone() {
        JsonNode document = api.check(send(HttpRequest.newBuilder(uri("/openapi.json")).GET()));

        assertThat(api.problems()).isEmpty();
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(document.at("/info/version").asText()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(document.at("/servers/0/url").asText()).isEqualTo("/");
    }

    @Test
    @Order(2)
    void everyOperationTheRouterServesIsDocumentedAndNoOther() {
        Set<String> documented = new TreeSet<>();
        api.operations().forEach(o -> documented.add(ServedOperations.withoutParameterNames(o)));

        assertThat(documented).isEqualTo(ServedOperations.of(camel, mvc, actuator, healthGroups));
    }

    @Test
    @Order(3)
    void theOperationsDocumentedAsNeedingTheAdminTokenRefuseRequestsWithoutIt() {
        for (String operation : api.operations()) {
            String[] parts = operation.split(" ", 2);
            if (parts[1].startsWith("/webhooks/")) {
                continue;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(parts[1].replaceAll("\\{[^}]+}", "x")))
                    .method(parts[0], HttpRequest.BodyPublishers.noBody());
            HttpResponse<String> withoutToken = send(request);
            api.check(withoutToken);
            assertThat(withoutToken.statusCode() == 401).as(operation + ": " + withoutToken.body())
                    .isEqualTo(api.needsAdminToken(operation));
            if (api.needsAdminToken(operation)) {
                api.check(send(request.header("Authorization", "Bearer not-the-token")));
            }
        }
    }

    @Test
    @Order(4)
    void contentstackWebhooks() {
        ObjectNode publish = ContentstackWebhookApi.entryPublish("oaEntry01", "Entry", 1, Instant.now());
        HttpResponse<String> accepted = contentstack(publish.toString(), "application/json");
        String execution = api.check(accepted).path("execution_uid").asText();
        JsonNode duplicate = api.check(contentstack(publish.toString(), "application/json"));
        assertThat(duplicate.path("execution_uid").asText()).isEqualTo(execution);

        api.check(contentstack("{\"module\": \"entry\", \"event\":", "application/json"));
        api.check(contentstack("{\"event\": \"publish\"}", "application/json"));
        api.check(contentstack(publish.toString(), "text/plain"));
        api.check(contentstack("{\"pad\": \"" + "x".repeat(70_000) + "\"}", "application/json"));
        api.check(post("/webhooks/contentstack", publish.toString(), "application/json"));
    }

    @Test
    @Order(5)
    void contentfulWebhooks() throws Exception {
        Delivery publish = new Delivery("ContentManagement.Entry.publish", "Entry", "oaCfEntry01").contentType("page");
        String execution = api.check(send(publish)).path("execution_uid").asText();
        assertThat(api.check(send(publish)).path("execution_uid").asText()).isEqualTo(execution);

        Delivery notJson = new Delivery("ContentManagement.Entry.publish", "Entry", "oaCfEntry02");
        notJson.rawBody = "[]";
        Delivery tooLarge = new Delivery("ContentManagement.Entry.publish", "Entry", "oaCfEntry03");
        tooLarge.rawBody = "{\"pad\": \"" + "x".repeat(70_000) + "\"}";
        Delivery text = new Delivery("ContentManagement.Entry.publish", "Entry", "oaCfEntry04");
        text.headers.put("Content-Type", "text/plain");
        Delivery wrongSecret = new Delivery("ContentManagement.Entry.publish", "Entry", "oaCfEntry05");
        wrongSecret.secret = OLD_SECRET.replace('0', '1');
        for (Delivery refused : List.of(notJson, tooLarge, text, wrongSecret,
                new Delivery("Entry.publish", "Entry", "oaCfEntry06"))) {
            api.check(send(refused));
        }
    }

    @Test
    @Order(6)
    void cacheReads() throws Exception {
        settled(api.check(contentstack(ContentstackWebhookApi.entryPublish("oaEntry02", "Cached", 2, Instant.now())
                .toString(), "application/json")).path("execution_uid").asText());
        ObjectNode asset = (ObjectNode) read(fixture("asset-publish.json"));
        ((ObjectNode) asset.at("/data/asset")).put("uid", "oaAsset01");
        settled(api.check(contentstack(asset.toString(), "application/json")).path("execution_uid").asText());
        run(new Delivery("ContentManagement.Entry.publish", "Entry", "oaCfEntry07"));
        run(new Delivery("ContentManagement.Asset.publish", "Asset", "oaCfAsset01"));

        for (String path : List.of("/cache/entries/article/oaEntry02?environment=production&locale=en-us",
                "/cache/entries/article/oaNothing?environment=production", "/cache/entries/article/oaEntry02",
                "/cache/assets/oaAsset01?environment=blank", "/cache/assets/oaNothing?environment=blank",
                "/cache/assets/oaAsset01",
                "/cache/contentful/entries/oaCfEntry07", "/cache/contentful/entries/oaNothing?locale=de-DE",
                "/cache/contentful/entries/oaCfEntry07?environment=unreadable",
                "/cache/contentful/assets/oaCfAsset01", "/cache/contentful/assets/oaNothing?locale=en-US",
                "/cache/contentful/assets/oaCfAsset01?environment=unreadable")) {
            api.check(get(path));
        }
    }

    @Test
    @Order(7)
    void executionsAndTheirRetry() {
        String published = settled(api.check(contentstack(ContentstackWebhookApi.entryPublish("oaEntry03", "Told", 1,
                Instant.now()).toString(), "application/json")).path("execution_uid").asText()).path("uid").asText();
        stack.job("oa-job-1", "publish", ContentstackSimulator.jobItems("oa", 3), 100, "total_count");
        String job = settled(api.check(contentstack(ContentstackSimulator.jobWebhook("oa-job-1", "publish"),
                "application/json")).path("execution_uid").asText()).path("uid").asText();
        cms.stubFor(WireMock.get(urlPathEqualTo("/v3/content_types/article/entries/oaMissing")).atPriority(1)
                .willReturn(aResponse().withStatus(404).withBody("{\"error_message\": \"not found\"}")));
        String failed = settled(api.check(contentstack(ContentstackSimulator.concisePublish("oaMissing",
                Instant.now().toString()), "application/json")).path("execution_uid").asText()).path("uid").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> execution(published).at("/notifications/0/status").asText(),
                "delivered"::equals);
        assertThat(api.check(get("/executions/" + published)).path("notifications")).hasSize(1);
        assertThat(api.check(get("/executions/" + job)).at("/pages/done").asInt()).isEqualTo(1);
        assertThat(api.check(get("/executions/" + failed)).path("status").asText()).isEqualTo("failed");
        api.check(get("/executions/oa-unknown"));
        api.check(get("/executions?from=2026-01-01&to=" + Instant.now().plusSeconds(60) + "&status=failed,succeeded"
                + "&query=%7B%22status%22%3A%7B%22%24gte%22%3A%22200%22%7D%7D&source=contentstack&recovered=false"
                + "&skip=0&limit=5"));
        api.check(get("/executions?limit=101"));
        assertThat(api.check(get("/executions?channel=content_types.article.entries.oaEntry03.*&limit=5"))
                .at("/executions/0/uid").asText()).isEqualTo(published);

        api.check(post("/executions/" + failed + "/retry?target=nowhere", "", "application/json"));
        api.check(post("/executions/" + failed + "/retry?target=search", "", "application/json"));
        api.check(post("/executions/" + published + "/retry", "", "application/json"));
        api.check(post("/executions/oa-unknown/retry", "", "application/json"));
        assertThat(api.check(post("/executions/" + failed + "/retry", "", "application/json"))
                .path("failed_items").asInt()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void targets() {
        assertThat(api.check(get("/targets")).path("targets")).hasSize(2);
        api.check(post("/targets/search/enable", "", "application/json"));
        api.check(post("/targets/paused/enable", "", "application/json"));
        api.check(post("/targets/nowhere/enable", "", "application/json"));
    }

    @Test
    @Order(9)
    void theWebhookInTheStackAndItsReconciliation() {
        awaitRunAtStart();
        ContentstackWebhookApi stackWebhooks = new ContentstackWebhookApi(cms, "cs0openapi0hook");
        stackWebhooks.acceptsWrites();
        stackWebhooks.lists(ContentstackWebhookApi.otherWebhook());
        stackWebhooks.executions(List.of());
        assertThat(api.check(get("/admin/contentstack/webhook")).path("found").asBoolean()).isFalse();
        assertThat(api.check(post("/admin/contentstack/webhook/sync", "", "application/json")).path("action").asText())
                .isEqualTo("created");
        stackWebhooks.keepWritten();
        assertThat(api.check(get("/admin/contentstack/webhook")).path("in_sync").asBoolean()).isTrue();
        assertThat(api.check(post("/admin/reconcile", "", "application/json")).path("outcome").asText())
                .isEqualTo("succeeded");
        api.check(get("/admin/reconcile"));
        api.check(get("/admin/cluster"));

        // a run held up by a slow CMA: another is refused while it lasts
        StubMapping slow = cms.stubFor(WireMock.get(urlPathEqualTo("/v3/webhooks")).atPriority(1).willReturn(aResponse()
                .withStatus(401).withFixedDelay(2000)));
        CompletableFuture<HttpResponse<String>> first =
                CompletableFuture.supplyAsync(() -> post("/admin/reconcile", "", "application/json"));
        await().atMost(Duration.ofSeconds(10)).until(() -> read(get("/admin/reconcile").body()).path("running").asBoolean());
        api.check(post("/admin/reconcile", "", "application/json"));
        assertThat(api.check(first.join()).path("outcome").asText()).isEqualTo("failed");
        cms.removeStub(slow);

        StubMapping failing = cms.stubFor(WireMock.get(urlPathEqualTo("/v3/webhooks")).atPriority(1)
                .willReturn(aResponse().withStatus(401).withBody("{\"error_message\": \"bad token\"}")));
        api.check(get("/admin/contentstack/webhook"));
        api.check(post("/admin/contentstack/webhook/sync", "", "application/json"));
        cms.removeStub(failing);
    }

    @Test
    @Order(10)
    void theRoutesAndTheirReload() {
        assertThat(api.check(get("/admin/routes")).path("routes").findValuesAsText("id")).contains("channel-router");
        String router = ROUTES.read("router.camel.yaml");
        ROUTES.change("router.camel.yaml", "uri: direct:job-fanout", "uri: direct:job-fanuot");
        try {
            assertThat(api.check(post("/admin/routes/reload", "", "application/json")).at("/problems/0/line").asInt())
                    .isPositive();
        } finally {
            ROUTES.write("router.camel.yaml", router);
        }
        assertThat(api.check(post("/admin/routes/reload", "", "application/json")).at("/last_reload/outcome").asText())
                .isEqualTo("unchanged");
    }

    @Test
    @Order(11)
    void healthMetricsAndDiscovery() {
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness", "/actuator/health/targets", "/actuator/info", "/actuator/prometheus")) {
            api.check(get(path));
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyDocumentedAnswerIsExercisedOrSaysWhyNot() {
        Set<String> notExercised = new TreeSet<>(api.answers());
        notExercised.removeAll(api.exercised());

        assertThat(notExercised).as("documented answers that no request brought about; NOT_EXERCISED says why")
                .containsExactlyInAnyOrderElementsOf(NOT_EXERCISED.keySet());
    }

    /** A Contentstack delivery, fresh and signed with the HMAC secret. */
    private HttpResponse<String> contentstack(String body, String contentType) {
        String fresh = body.replaceAll("\"triggered_at\": ?\"[^\"]*\"", "\"triggered_at\": \"" + Instant.now() + "\"");
        long t = Instant.now().getEpochSecond();
        return send(HttpRequest.newBuilder(uri("/webhooks/contentstack")).header("Content-Type", contentType)
                .header("x-contentstack-hmac-signature", "t=" + t + ",v1=" + WebhookSecurityTest.hmacHex(HMAC_SECRET, fresh, t))
                .POST(HttpRequest.BodyPublishers.ofString(fresh)));
    }
}
