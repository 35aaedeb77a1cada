package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route files edited while the router runs (POST /admin/routes/reload), on a copy of routes/: a sound edit takes
 * effect without a restart, an unsound one is refused with the file, line and problem and changes nothing, and
 * webhooks arriving during swaps are all run, once.
 */
class RouteReloadTest extends RouterHttpTest {
    private static final RouteEdits ROUTES = new RouteEdits();
    private static final String ROUTER = "router.camel.yaml";
    private static final String COMMENT_RULE = """
                          - id: on-comment
                            language:
                              language: channel
                              expression: "content_types.*.entries.comments.*"
                            steps:
                              - log:
                                  message: "Comment on ${body.at('/data/entry/uid').asText()}"
            """;

    private static final String INGEST = "ingest.camel.yaml";
    private static final String POLICY = "error-policy.camel.yaml";
    private static final String DOWNSTREAM = "downstream.camel.yaml";
    private static final String TARGET_PATH = "/hooks/search";

    private final String original = ROUTES.read(ROUTER);
    private final String originalIngest = ROUTES.read(INGEST);
    private final String originalPolicy = ROUTES.read(POLICY);
    private final String originalDownstream = ROUTES.read(DOWNSTREAM);

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void routesCopy(DynamicPropertyRegistry registry) {
        registry.add("camel.main.routes-include-pattern", ROUTES::pattern);
        registry.add("router.targets[0].name", () -> "search");
        registry.add("router.targets[0].url", () -> "${contentstack.cda-url}" + TARGET_PATH);
        registry.add("router.targets[0].channels[0]", () -> "*");
        registry.add("router.targets[0].secret", () -> "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    @BeforeEach
    void targetAnswers() {
        cms.stubFor(WireMock.post(WireMock.urlPathEqualTo(TARGET_PATH)).willReturn(WireMock.aResponse().withStatus(204)));
    }

    @AfterEach
    void restore() {
        ROUTES.write(ROUTER, original);
        ROUTES.write(INGEST, originalIngest);
        ROUTES.write(POLICY, originalPolicy);
        ROUTES.write(DOWNSTREAM, originalDownstream);
        assertThat(reload().statusCode()).isEqualTo(200);
    }

    @Test
    void listsTheRunningRoutesWithTheirFilesForOperatorsOnly() throws Exception {
        JsonNode routes = read(get("/admin/routes").body());
        assertThat(strings(routes.path("files"))).contains(ROUTES.name(ROUTER));
        assertThat(routes.path("routes").findValuesAsText("id")).contains("channel-router", "contentstack-ingest");
        JsonNode router = route(routes, "channel-router");
        assertThat(router.path("file").asText()).isEqualTo(ROUTES.name(ROUTER));
        assertThat(router.path("status").asText()).isEqualTo("Started");

        assertThat(send(HttpRequest.newBuilder(uri("/admin/routes/reload")).POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aNewRuleTakesEffectWithoutARestart() {
        assertThat(deliverAndSettle(fixture("comment-update.json")).path("status").asText()).isEqualTo("ignored");

        ROUTES.insertBefore(ROUTER, "otherwise:", COMMENT_RULE);
        HttpResponse<String> reloaded = reload();

        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        assertThat(route(read(reloaded.body()), "channel-router").path("status").asText()).isEqualTo("Started");
        assertThat(deliverAndSettle(fixture("comment-update.json")).path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void anEditOfTheErrorPolicyReplacesEveryRouteAndTheRouterGoesOn() {
        ROUTES.insertBefore(POLICY, "- routeConfiguration:", "# reviewed by operations\n");
        HttpResponse<String> reloaded = reload();

        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        JsonNode routes = read(reloaded.body()).path("routes");
        assertThat(routes.findValuesAsText("status")).containsOnly("Started");
        assertThat(routes.findValuesAsText("id")).contains("contentstack-ingest", "channel-router", "list-executions");
        assertThat(deliverAndSettle(fixture("comment-update.json")).path("status").asText()).isEqualTo("ignored");
        assertThat(get("/executions?limit=1").statusCode()).isEqualTo(200);
    }

    @Test
    void theApiAnswersAfterEitherOfItsFilesIsReloadedAlone() {
        for (String file : List.of("api.camel.yaml", "recovery.camel.yaml")) {
            String before = ROUTES.read(file);
            ROUTES.insertBefore(file, "- route:", "# reviewed\n");
            HttpResponse<String> reloaded = reload();
            ROUTES.write(file, before);

            assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
            assertThat(post("/executions/" + UUID.randomUUID() + "/retry", "", "application/json").statusCode())
                    .as("the retry endpoint after reloading " + file).isEqualTo(404);
            assertThat(get("/executions?limit=1").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anEndpointNothingConsumesIsRefusedWithItsLineAndNothingChanges() {
        JsonNode before = read(get("/admin/routes").body()).path("routes");
        ROUTES.change(ROUTER, "uri: direct:release-fanout", "uri: direct:release-fanot");
        int line = lineOf(ROUTES.read(ROUTER), "direct:release-fanot");

        HttpResponse<String> refused = reload();

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        JsonNode problem = read(refused.body()).path("problems").get(0);
        assertThat(problem.path("file").asText()).isEqualTo(ROUTES.name(ROUTER));
        assertThat(problem.path("line").asInt()).isEqualTo(line);
        assertThat(problem.path("problem").asText()).isEqualTo(
                "nothing consumes direct:release-fanot: no route starts from it");
        assertThat(read(refused.body()).path("error").asText())
                .startsWith(ROUTES.name(ROUTER) + ":" + line + ":");
        JsonNode after = read(get("/admin/routes").body());
        assertThat(after.path("routes")).isEqualTo(before);
        assertThat(after.path("last_reload").path("outcome").asText()).isEqualTo("refused");
        assertThat(after.path("last_reload").path("problems")).isEqualTo(read(refused.body()).path("problems"));
        assertThat(deliverAndSettle(fixture("comment-update.json")).path("status").asText()).isEqualTo("ignored");
    }

    @Test
    void brokenYamlAnUnknownBeanAndAMissingSettlementAreRefused() {
        ROUTES.insertBefore(ROUTER, "otherwise:", "                - id: [unclosed\n");
        JsonNode yaml = refusal();
        assertThat(yaml.path("problem").asText()).startsWith("not valid YAML");
        assertThat(yaml.path("line").isInt()).isTrue();
        assertThat(yaml.path("column").isInt()).isTrue();

        ROUTES.write(ROUTER, original);
        int colour = ROUTES.insertBefore(ROUTER, "name: ignored", "                    colour: blue\n");
        JsonNode field = refusal();
        assertThat(field.path("problem").asText()).contains("colour");
        assertThat(field.path("line").asInt()).isEqualTo(colour);

        ROUTES.write(ROUTER, original);
        ROUTES.change(INGEST, "id: wait-in-backlog\n                      ref: leases",
                "id: wait-in-backlog\n                      ref: leaseBook");
        JsonNode bean = refusal();
        assertThat(bean.path("file").asText()).isEqualTo(ROUTES.name(INGEST));
        assertThat(bean.path("line").asInt()).isEqualTo(lineOf(ROUTES.read(INGEST), "leaseBook"));
        assertThat(bean.path("problem").asText()).isEqualTo("there is no bean named 'leaseBook'");

        ROUTES.write(INGEST, originalIngest);
        ROUTES.change(INGEST, "method: accepted", "method: acepted");
        assertThat(refusal().path("problem").asText()).isEqualTo("bean 'responses' has no method 'acepted'");

        ROUTES.write(INGEST, originalIngest);
        ROUTES.change(INGEST, "ref: dispatchPause", "ref: dispatchPaws");
        assertThat(refusal().path("problem").asText()).isEqualTo("there is no bean named 'dispatchPaws'");

        ROUTES.write(INGEST, originalIngest);

        ROUTES.write(ROUTER, original);
        ROUTES.change(ROUTER, "uri: direct:settle-and-release", "uri: direct:redispatch");
        JsonNode settlement = refusal();
        assertThat(settlement.path("problem").asText())
                .isEqualTo("route 'channel-router' must settle every run with an onCompletion that goes to "
                        + "direct:settle-and-release");
    }

    @Test
    void webhooksArrivingWhileTheRoutesSwapAreEachRunOnce() throws Exception {
        int webhooks = 90;
        List<Future<JsonNode>> acks = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < webhooks; i++) {
                acks.add(senders.submit(() -> deliver(fixture("comment-update.json"))));
            }
            // the rules (the queue's consumer), the intake (requests held at the gate) and the error policy (every
            // route), twice each, while the webhooks arrive
            for (int swap = 0; swap < 6; swap++) {
                switch (swap % 3) {
                    case 0 -> ROUTES.insertBefore(ROUTER, "otherwise:", COMMENT_RULE);
                    case 1 -> ROUTES.insertBefore(INGEST, "- route:", "# swap " + swap + "\n");
                    default -> ROUTES.insertBefore(POLICY, "- routeConfiguration:", "# swap " + swap + "\n");
                }
                HttpResponse<String> reloaded = reload();
                assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
                assertThat(read(reloaded.body()).at("/last_reload/outcome").asText()).isEqualTo("reloaded");
                ROUTES.write(ROUTER, original);
            }
            Set<String> executions = new HashSet<>();
            for (Future<JsonNode> ack : acks) {
                executions.add(ack.get().path("execution_uid").asText());
            }
            assertThat(executions).hasSize(webhooks);
            for (String uid : executions) {
                JsonNode execution = settled(uid);
                assertThat(execution.path("status").asText()).isIn("ignored", "succeeded");
                assertThat(execution.path("attempts").asInt()).as(uid).isZero();
            }
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void anEditOfTheTargetsTemplateRemakesTheirRoutes() {
        ROUTES.insertBefore(DOWNSTREAM, "- setProperty:\n              name: target",
                "          - log:\n              id: template-edited\n              message: \"Delivering to {{target}}\"\n");
        HttpResponse<String> reloaded = reload();

        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        assertThat(route(read(reloaded.body()), "deliver-to-search").path("status").asText()).isEqualTo("Started");
        assertThat(camel.getRoute("deliver-to-search").filter("search-template-edited")).hasSize(1);
        deliverAndSettle(ContentstackWebhookApi.entryPublish("reloadEntry01", "Reloaded", 1, Instant.now()).toString());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> cms.verify(WireMock.postRequestedFor(
                WireMock.urlPathEqualTo(TARGET_PATH))));
    }

    private JsonNode refusal() {
        HttpResponse<String> refused = reload();
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(read(refused.body()).path("status").asInt()).isEqualTo(422);
        return read(refused.body()).path("problems").get(0);
    }

    private HttpResponse<String> reload() {
        return post("/admin/routes/reload", "", "application/json");
    }

    private static JsonNode route(JsonNode routes, String id) {
        for (JsonNode route : routes.path("routes")) {
            if (route.path("id").asText().equals(id)) {
                return route;
            }
        }
        throw new AssertionError("no route " + id + " in " + routes);
    }

    private static int lineOf(String text, String needle) {
        return (int) text.substring(0, text.indexOf(needle)).chars().filter(c -> c == '\n').count() + 1;
    }
}
