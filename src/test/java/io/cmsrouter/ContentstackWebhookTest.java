package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router registers its own webhook: found by name, created once with the credentials its verifier checks and
 * the channels its rules take, updated when Contentstack's copy drifts, never duplicated; a CMA failure is an error
 * for the operator and stops nothing.
 */
class ContentstackWebhookTest extends RouterHttpTest {
    static final String URL = "https://router.example.com/webhooks/contentstack";
    static final String USER = "contentstack";
    static final String PASSWORD = "destination-password-7f3a";
    static final String HOOK = "cs0router0hook";

    private ContentstackWebhookApi api;

    @DynamicPropertySource
    static void registration(DynamicPropertyRegistry registry) {
        registry.add("contentstack.webhook.url", () -> URL);
        registry.add("router.security.basic.user", () -> USER);
        registry.add("router.security.basic.password", () -> PASSWORD);
        registry.add("router.security.headers.X-Router-Key", () -> "header-secret-91c2");
        reconcileWhenAsked(registry);
    }

    @BeforeEach
    void stack() {
        awaitRunAtStart();
        api = new ContentstackWebhookApi(cms, HOOK);
        api.acceptsWrites();
    }

    @Test
    void createsItsWebhookOnceWithItsCredentialsAndTheChannelsItsRulesTake() {
        api.lists(ContentstackWebhookApi.otherWebhook());

        HttpResponse<String> synced = post("/admin/contentstack/webhook/sync", "", "application/json");

        assertThat(synced.statusCode()).as(synced.body()).isEqualTo(200);
        assertThat(read(synced.body()).path("action").asText()).isEqualTo("created");
        assertThat(synced.body()).doesNotContain(PASSWORD).doesNotContain("header-secret-91c2");
        cms.verify(1, postRequestedFor(urlPathEqualTo("/v3/webhooks")));
        JsonNode created = read(cms.findAll(postRequestedFor(urlPathEqualTo("/v3/webhooks"))).get(0).getBodyAsString())
                .path("webhook");
        assertThat(created.path("name").asText()).isEqualTo("cms-webhook-router");
        JsonNode destination = created.path("destinations").path(0);
        assertThat(destination.path("target_url").asText()).isEqualTo(URL);
        assertThat(destination.path("authentication_type").asText()).isEqualTo("Basic");
        assertThat(destination.path("http_basic_auth").asText()).isEqualTo(USER);
        assertThat(destination.path("http_basic_password").asText()).isEqualTo(PASSWORD);
        assertThat(destination.path("custom_header").path(0).path("header_name").asText()).isEqualTo("X-Router-Key");
        assertThat(destination.path("custom_header").path(0).path("value").asText()).isEqualTo("header-secret-91c2");
        // the rules of routes/router.camel.yaml, the job-based ones included, and no Contentful rule
        assertThat(strings(created.path("channels"))).containsExactlyInAnyOrder(
                "jobs.environments.publish.completed", "jobs.environments.unpublish.completed",
                "releases.environments.deploy.success",
                "content_types.entries.publish", "assets.publish",
                "content_types.entries.unpublish", "assets.unpublish",
                "content_types.entries.delete", "assets.delete", "content_types.delete");
        assertThat(strings(created.path("branches"))).containsExactly("main");
        assertThat(created.path("retry_policy").asText()).isEqualTo("automatic");
        assertThat(created.path("disabled").asBoolean()).isFalse();
        assertThat(created.path("concise_payload").asBoolean()).isFalse();

        // Contentstack lists it now: a second sync (as at every start) finds it by name and writes nothing
        api.keepWritten();
        HttpResponse<String> again = post("/admin/contentstack/webhook/sync", "", "application/json");
        assertThat(read(again.body()).path("action").asText()).isEqualTo("unchanged");
        assertThat(read(again.body()).path("in_sync").asBoolean()).isTrue();
        cms.verify(1, postRequestedFor(urlPathEqualTo("/v3/webhooks")));
        cms.verify(0, putRequestedFor(urlPathEqualTo("/v3/webhooks/" + HOOK)));
    }

    @Test
    void updatesItsWebhookWhenTheChannelsDifferAndKeepsItsNotifiers() {
        api.lists();
        post("/admin/contentstack/webhook/sync", "", "application/json");
        ObjectNode stored = api.keepWritten();
        // someone narrows the channels and adds a notifier in Contentstack's UI
        stored.putArray("channels").add("assets.create");
        stored.putArray("notifiers").add("ops@example.com");
        api.lists(stored);

        JsonNode view = read(get("/admin/contentstack/webhook").body());
        assertThat(view.path("in_sync").asBoolean()).isFalse();
        assertThat(view.path("differences").path(0).path("field").asText()).isEqualTo("channels");
        assertThat(view.path("webhook").path("destinations").path(0).path("http_basic_password").asText())
                .isEqualTo(ContentstackWebhookApi.MASK);
        assertThat(view.toString()).doesNotContain(PASSWORD);

        JsonNode synced = read(post("/admin/contentstack/webhook/sync", "", "application/json").body());

        assertThat(synced.path("action").asText()).isEqualTo("updated");
        cms.verify(1, postRequestedFor(urlPathEqualTo("/v3/webhooks")));
        cms.verify(1, putRequestedFor(urlPathEqualTo("/v3/webhooks/" + HOOK)));
        JsonNode update = read(cms.findAll(putRequestedFor(urlPathEqualTo("/v3/webhooks/" + HOOK))).get(0)
                .getBodyAsString()).path("webhook");
        assertThat(strings(update.path("channels"))).contains("content_types.entries.publish", "assets.publish");
        assertThat(strings(update.path("notifiers"))).containsExactly("ops@example.com");
        assertThat(update.path("destinations").path(0).path("http_basic_password").asText()).isEqualTo(PASSWORD);
    }

    @Test
    void aWebhookMadeByHandLikeTheRoutersGetsTheRoutersSecretsOnce() {
        api.lists();
        post("/admin/contentstack/webhook/sync", "", "application/json");
        // someone deletes it and makes it again by hand, every field alike but the secrets, which nobody can read back
        ObjectNode byHand = api.keepWritten().put("uid", "cs0hand0made");
        ContentstackWebhookApi handMade = new ContentstackWebhookApi(cms, "cs0hand0made");
        handMade.acceptsWrites();
        handMade.lists(byHand);

        JsonNode view = read(get("/admin/contentstack/webhook").body());
        assertThat(view.path("differences")).singleElement().extracting(d -> d.path("field").asText())
                .isEqualTo("destinations[0] secrets");
        JsonNode synced = read(post("/admin/contentstack/webhook/sync", "", "application/json").body());

        assertThat(synced.path("action").asText()).isEqualTo("updated");
        cms.verify(1, postRequestedFor(urlPathEqualTo("/v3/webhooks")));
        cms.verify(1, putRequestedFor(urlPathEqualTo("/v3/webhooks/cs0hand0made")));
        handMade.keepWritten();
        assertThat(read(post("/admin/contentstack/webhook/sync", "", "application/json").body())
                .path("action").asText()).isEqualTo("unchanged");
    }

    @Test
    void anUnhealthyWebhookIsWrittenAgain() {
        api.lists();
        post("/admin/contentstack/webhook/sync", "", "application/json");
        ObjectNode stored = api.keepWritten();
        // Contentstack's circuit breaker stopped it after failed deliveries; only the single webhook's GET says so
        stored.putObject("unhealthy").put("state", true);
        api.lists(stored);

        JsonNode synced = read(post("/admin/contentstack/webhook/sync", "", "application/json").body());

        assertThat(synced.path("action").asText()).isEqualTo("updated");
        cms.verify(1, putRequestedFor(urlPathEqualTo("/v3/webhooks/" + HOOK)));
    }

    @Test
    void theAdminEndpointsNeedTheAdminToken() {
        for (String path : List.of("/admin/contentstack/webhook", "/admin/reconcile")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(read(response.body()).path("error").asText()).contains("admin-token");
        }
        HttpResponse<String> sync = send(HttpRequest.newBuilder(uri("/admin/contentstack/webhook/sync"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(sync.statusCode()).isEqualTo(401);
        cms.verify(0, postRequestedFor(urlPathEqualTo("/v3/webhooks")));
    }

    @Test
    void aManagementApiFailureIsAnsweredAs502AndWebhooksAreStillTaken() {
        api.failsWith(401);

        HttpResponse<String> synced = post("/admin/contentstack/webhook/sync", "", "application/json");

        assertThat(synced.statusCode()).isEqualTo(502);
        assertThat(read(synced.body()).path("error").asText()).contains("HTTP 401").contains("/v3/webhooks");
        JsonNode run = read(post("/admin/reconcile", "", "application/json").body());
        assertThat(run.path("outcome").asText()).isEqualTo("failed");
        assertThat(run.path("errors").path(0).asText()).contains("HTTP 401");
        String basic = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> delivered = send(HttpRequest.newBuilder(uri("/webhooks/contentstack"))
                .header("Content-Type", "application/json").header("Authorization", basic)
                .header("X-Router-Key", "header-secret-91c2")
                .POST(HttpRequest.BodyPublishers.ofString(ContentstackWebhookApi.entryPublish("blt0cma0down01",
                        "Taken while the CMA fails", 1, Instant.now()).toString())));
        assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(202);
    }
}
