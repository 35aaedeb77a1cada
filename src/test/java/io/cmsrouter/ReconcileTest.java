package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.cmsrouter.ContentstackWebhookApi.entryPublish;
import static io.cmsrouter.ContentstackWebhookApi.entryUnpublish;
import static io.cmsrouter.ContentstackWebhookApi.loggedExecution;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconciliation: the webhook's executions log is read from the checkpoint on, and every delivery that did not
 * succeed is applied from the event recorded on it, once, in order, marked recovered.
 */
class ReconcileTest extends RouterHttpTest {
    static final String HOOK = "cs0reconcile0hook";

    private ContentstackWebhookApi api;

    @DynamicPropertySource
    static void reconcile(DynamicPropertyRegistry registry) {
        reconcileWhenAsked(registry);
    }

    @BeforeEach
    void stack() {
        awaitRunAtStart();
        api = new ContentstackWebhookApi(cms, HOOK);
        ObjectNode webhook = ContentstackWebhookApi.otherWebhook().put("name", "cms-webhook-router").put("uid", HOOK)
                .put("created_at", Instant.now().minus(Duration.ofDays(2)).toString());
        api.lists(webhook);
        api.executions(List.of());
        // each test starts from a log read to now, and counts its own requests
        reconcile();
        cms.resetRequests();
    }

    @Test
    void deliveriesThatFailedAreAppliedFromTheLogAndMarkedRecovered() {
        Instant testStart = Instant.now();
        Instant outage = testStart.minusSeconds(60);
        api.executions(List.of(
                loggedExecution("cs0exec0reset", HOOK, entryPublish("blt0recover0reset", "Reset", 1, outage), null, "ECONNRESET"),
                loggedExecution("cs0exec0refused", HOOK, entryPublish("blt0recover0refused", "Refused", 1, outage.plusSeconds(1)),
                        null, "ECONNREFUSED"),
                loggedExecution("cs0exec0gateway", HOOK, entryPublish("blt0recover0gateway", "Bad gateway", 1, outage.plusSeconds(2)),
                        502, null),
                loggedExecution("cs0exec0ok", HOOK, entryPublish("blt0recover0ok", "Delivered", 1, outage.plusSeconds(3)),
                        202, null)));

        JsonNode run = reconcile();

        assertThat(run.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(run.path("executions_seen").asInt()).isEqualTo(4);
        assertThat(run.path("failed_seen").asInt()).isEqualTo(3);
        assertThat(run.path("recovered").asInt()).isEqualTo(3);
        for (String uid : List.of("blt0recover0reset", "blt0recover0refused", "blt0recover0gateway")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> cachedEntry("article", uid, "production", "en-us")
                    .statusCode() == 200);
        }
        assertThat(read(cachedEntry("article", "blt0recover0reset", "production", "en-us").body()).path("title")
                .asText()).isEqualTo("Reset");
        // a delivery that succeeded is Contentstack's business and the router's, not the reconciliation's
        assertThat(cachedEntry("article", "blt0recover0ok", "production", "en-us").statusCode()).isEqualTo(404);
        JsonNode recovered = read(get("/executions?recovered=true&from=" + testStart).body());
        List<String> from = new ArrayList<>();
        recovered.path("executions").forEach(e -> from.add(e.path("recovered_from").asText()));
        assertThat(from).containsExactlyInAnyOrder("cs0exec0reset", "cs0exec0refused", "cs0exec0gateway");
        JsonNode one = recovered.path("executions").path(0);
        assertThat(one.path("recovered").asBoolean()).isTrue();
        assertThat(one.path("event_headers").toString()).doesNotContain("n9uHP1hmYcBz82h5imH3");
        assertThat(settled(one.path("uid").asText()).path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void anEventTheRouterReceivedIsADuplicateNotAppliedTwice() {
        ObjectNode publish = entryPublish("blt0recover0twice", "Received live", 1, Instant.now().minusSeconds(30));
        // posted as it is: deliver() would mark it as a new event
        HttpResponse<String> accepted = post("/webhooks/contentstack", publish.toString(), "application/json");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode live = settled(read(accepted.body()).path("execution_uid").asText());
        long before = read(get("/executions").body()).path("count").asLong();
        // Contentstack logged it as failed all the same: the router's 202 was lost on the way back
        api.executions(List.of(loggedExecution("cs0exec0twice", HOOK, publish, null, "ETIMEDOUT")));

        JsonNode run = reconcile();

        assertThat(run.path("failed_seen").asInt()).isEqualTo(1);
        assertThat(run.path("duplicates").asInt()).isEqualTo(1);
        assertThat(run.path("recovered").asInt()).isZero();
        assertThat(read(get("/executions").body()).path("count").asLong()).isEqualTo(before);
        assertThat(execution(live.path("uid").asText()).path("recovered").asBoolean()).isFalse();
    }

    @Test
    void aRecoveredOlderPublishDoesNotOverwriteTheNewerState() {
        Instant earlier = Instant.now().minusSeconds(120);
        deliverAndSettle(entryPublish("blt0recover0order", "Version 5", 5, earlier.plusSeconds(60)).toString());
        api.executions(List.of(loggedExecution("cs0exec0old", HOOK, entryPublish("blt0recover0order", "Version 4", 4, earlier),
                503, null)));

        JsonNode run = reconcile();

        assertThat(run.path("recovered").asInt()).isEqualTo(1);
        JsonNode recovered = read(get("/executions?recovered=true").body()).path("executions").path(0);
        settled(recovered.path("uid").asText());
        assertThat(read(cachedEntry("article", "blt0recover0order", "production", "en-us").body()).path("title")
                .asText()).isEqualTo("Version 5");
    }

    @Test
    void moreThanAHundredExecutionsArePagedThrough() {
        Instant start = Instant.now().minusSeconds(100);
        List<ObjectNode> log = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            String uid = "blt0paged0entry" + i;
            boolean fails = i % 10 == 0;
            Integer status = !fails ? Integer.valueOf(200) : i % 20 == 0 ? null : Integer.valueOf(500);
            log.add(loggedExecution("cs0exec0paged" + i, HOOK, entryPublish(uid, "Paged " + i, 1, start.plusMillis(i * 10L)),
                    status, status == null ? "ECONNRESET" : null));
            if (fails) {
                failed.add(uid);
            }
        }
        api.executions(log);

        JsonNode run = reconcile();

        assertThat(run.path("executions_seen").asInt()).isEqualTo(250);
        assertThat(run.path("recovered").asInt()).isEqualTo(25);
        List<String> skips = executionRequests().stream().map(r -> r.queryParameter("skip").firstValue()).toList();
        assertThat(skips).containsExactly("0", "100", "200");
        for (String uid : failed) {
            await().atMost(Duration.ofSeconds(30)).until(() -> cachedEntry("article", uid, "production", "en-us")
                    .statusCode() == 200);
        }
    }

    @Test
    void eachRunReadsOnFromTheDurableCheckpoint() {
        JsonNode first = reconcile();
        String checkpoint = read(get("/admin/reconcile").body()).path("checkpoint").asText();
        cms.resetRequests();

        JsonNode second = reconcile();

        assertThat(checkpoint).isEqualTo(first.path("window").path("to").asText());
        Instant from = Instant.parse(executionRequests().get(0).queryParameter("from").firstValue());
        // re-reading the last two minutes, for executions Contentstack logged late
        assertThat(from).isEqualTo(Instant.parse(checkpoint).minus(Duration.ofMinutes(2)));
        assertThat(second.path("window").path("from").asText()).isEqualTo(from.toString());
    }

    @Test
    void aFailedPageKeepsTheCheckpointAndTheNextRunReadsTheWindowAgain() {
        String checkpoint = read(get("/admin/reconcile").body()).path("checkpoint").asText();
        cms.stubFor(WireMock.get(urlPathEqualTo("/v3/webhooks/" + HOOK + "/executions")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));

        JsonNode failed = reconcile();

        assertThat(failed.path("outcome").asText()).isEqualTo("failed");
        assertThat(failed.path("errors").path(0).asText()).contains("HTTP 503");
        // the first try and router.retry.max-redeliveries (3) more
        assertThat(executionRequests()).hasSize(4);
        assertThat(read(get("/admin/reconcile").body()).path("checkpoint").asText()).isEqualTo(checkpoint);
        cms.resetMappings();
        stack();
        assertThat(read(get("/admin/reconcile").body()).path("checkpoint").asText()).isNotEqualTo(checkpoint);
    }

    @Test
    void anExecutionWithoutItsEventIsRetriedByContentstack() {
        api.executions(List.of(withoutEvent("cs0exec0bare")));
        api.acceptsRetries();

        JsonNode run = reconcile();

        assertThat(run.path("retried").asInt()).isEqualTo(1);
        cms.verify(1, postRequestedFor(urlPathEqualTo("/v3/webhooks/cs0exec0bare/retry"))
                .withHeader("authorization", equalTo(MANAGEMENT_TOKEN)));
    }

    @Test
    void anEventTheRouterCannotTakeIsReportedAndTheRunGoesOn() {
        Instant at = Instant.now().minusSeconds(30);
        api.executions(List.of(
                loggedExecution("cs0exec0bad", HOOK, entryPublish("blt0bad uid!", "Bad", 1, at), 422, null),
                loggedExecution("cs0exec0good", HOOK, entryPublish("blt0recover0good", "Good", 1, at.plusSeconds(1)), 500, null)));

        JsonNode run = reconcile();

        assertThat(run.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(run.path("refused").asInt()).isEqualTo(1);
        assertThat(run.path("recovered").asInt()).isEqualTo(1);
        assertThat(run.path("errors").path(0).asText()).contains("cs0exec0bad").contains("uid");
    }

    @Test
    void twoFailedEventsAboutOneEntryAreRecoveredInTheOrderTheyWereSent() {
        Instant first = Instant.now().minusSeconds(90);
        ObjectNode older = entryPublish("blt0recover0pair", "Version 1", 1, first);
        ObjectNode newer = entryPublish("blt0recover0pair", "Version 2", 2, first.plusSeconds(30));
        // listed newest first, as Contentstack does
        api.executions(List.of(loggedExecution("cs0exec0newer", HOOK, newer, 502, null),
                loggedExecution("cs0exec0older", HOOK, older, 502, null)));

        JsonNode run = reconcile();

        assertThat(run.path("recovered").asInt()).isEqualTo(2);
        JsonNode recovered = read(get("/executions?recovered=true&from=" + first).body()).path("executions");
        // newest first: the newer event was recorded last
        assertThat(recovered.path(0).path("recovered_from").asText()).isEqualTo("cs0exec0newer");
        assertThat(recovered.path(1).path("recovered_from").asText()).isEqualTo("cs0exec0older");
        settled(recovered.path(0).path("uid").asText());
        assertThat(read(cachedEntry("article", "blt0recover0pair", "production", "en-us").body()).path("title")
                .asText()).isEqualTo("Version 2");
        // Contentstack's own retry of the newer one gets through at last: the router has it already
        ObjectNode retried = newer.deepCopy().put("triggered_at", Instant.now().toString());
        HttpResponse<String> answer = post("/webhooks/contentstack", retried.toString(), "application/json");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(read(answer.body()).path("duplicate").asBoolean()).isTrue();
    }

    @Test
    void anEqualEventTheRouterReceivedBeforeThisOneWasSentDoesNotHideIt() {
        Instant start = Instant.now().minusSeconds(100);
        ObjectNode publish = entryPublish("blt0recover0again", "Same version", 3, start);
        HttpResponse<String> live = post("/webhooks/contentstack", publish.toString(), "application/json");
        settled(read(live.body()).path("execution_uid").asText());
        // published again, equal but for triggered_at, and that delivery failed
        ObjectNode again = publish.deepCopy().put("triggered_at", start.plusSeconds(40).toString());
        api.executions(List.of(loggedExecution("cs0exec0again", HOOK, again, null, "ECONNRESET")));

        JsonNode run = reconcile();

        assertThat(run.path("recovered").asInt()).isEqualTo(1);
        assertThat(run.path("duplicates").asInt()).isZero();
    }

    @Test
    void aRecoveredPublishOlderThanAnUnpublishLeavesTheSamePublishMadeAgainToBeApplied() {
        Instant start = Instant.now().minusSeconds(100);
        ObjectNode publish = entryPublish("blt0recover0relapse", "Version 5", 5, start);
        // the unpublish that followed got through; the publish before it did not
        HttpResponse<String> unpublished = post("/webhooks/contentstack",
                entryUnpublish("blt0recover0relapse", 5, start.plusSeconds(20)).toString(), "application/json");
        settled(read(unpublished.body()).path("execution_uid").asText());
        api.executions(List.of(loggedExecution("cs0exec0relapse", HOOK, publish, 502, null)));

        JsonNode run = reconcile();

        assertThat(run.path("recovered").asInt()).isEqualTo(1);
        settled(read(get("/executions?recovered=true&limit=1").body()).path("executions").path(0).path("uid").asText());
        assertThat(cachedEntry("article", "blt0recover0relapse", "production", "en-us").statusCode()).isEqualTo(404);
        // the editor publishes the same version again: a new event, though equal to the recovered one
        ObjectNode again = publish.deepCopy().put("triggered_at", Instant.now().toString());
        HttpResponse<String> republished = post("/webhooks/contentstack", again.toString(), "application/json");
        assertThat(republished.statusCode()).as(republished.body()).isEqualTo(202);
        settled(read(republished.body()).path("execution_uid").asText());
        assertThat(cachedEntry("article", "blt0recover0relapse", "production", "en-us").statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenThatMayNotRetryFailsTheRunAndKeepsTheCheckpoint() {
        api.executions(List.of(withoutEvent("cs0exec0denied")));
        api.refusesRetries(403);
        String checkpoint = read(get("/admin/reconcile").body()).path("checkpoint").asText();

        JsonNode run = reconcile();

        assertThat(run.path("outcome").asText()).isEqualTo("failed");
        assertThat(run.path("errors").path(0).asText()).contains("HTTP 403");
        assertThat(read(get("/admin/reconcile").body()).path("checkpoint").asText()).isEqualTo(checkpoint);
    }

    @Test
    void aRetryContentstackRefusesIsCountedAndTheCheckpointMovesOn() {
        api.executions(List.of(withoutEvent("cs0exec0early")));
        api.refusesRetries(422);
        String checkpoint = read(get("/admin/reconcile").body()).path("checkpoint").asText();

        JsonNode run = reconcile();

        assertThat(run.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(run.path("refused").asInt()).isEqualTo(1);
        assertThat(run.path("errors").path(0).asText()).contains("cs0exec0early").contains("HTTP 422");
        assertThat(read(get("/admin/reconcile").body()).path("checkpoint").asText()).isNotEqualTo(checkpoint);
    }

    /** A failed execution that has no event on record (neither event_data nor an attempt's body). */
    private static ObjectNode withoutEvent(String executionUid) {
        ObjectNode execution = loggedExecution(executionUid, HOOK, entryPublish("blt0recover0bare", "Bare", 1,
                Instant.now().minusSeconds(30)), 500, null);
        execution.remove(List.of("event_data", "request_details"));
        return execution;
    }

    /** Runs a reconciliation now (waiting for one under way to end) and returns the run. */
    private JsonNode reconcile() {
        HttpResponse<String> response = await().atMost(Duration.ofSeconds(30))
                .until(() -> post("/admin/reconcile", "", "application/json"),
                        r -> r.statusCode() != 409 || !r.body().contains("under way"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return read(response.body());
    }

    private List<LoggedRequest> executionRequests() {
        return cms.findAll(getRequestedFor(urlPathEqualTo("/v3/webhooks/" + HOOK + "/executions")));
    }
}
