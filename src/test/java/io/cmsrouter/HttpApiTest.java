package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP contract: acks, JSON errors without stack traces, the executions log and what it keeps. */
class HttpApiTest extends RouterHttpTest {

    @Test
    void malformedOrIncompleteWebhooksAreRefusedWithAReasonAndNotRecorded() {
        long before = read(get("/executions?limit=1").body()).path("count").asLong();

        assertRefused(post("/webhooks/contentstack", "{\"module\": \"entry\", \"event\":", "application/json"), 400, "not valid JSON");
        assertRefused(post("/webhooks/contentstack", "", "application/json"), 400, "empty");
        assertRefused(post("/webhooks/contentstack", "[{\"module\": \"entry\"}]", "application/json"), 400, "JSON object");
        assertRefused(post("/webhooks/contentstack", "{\"event\": \"publish\"}", "application/json"), 422, "'module' is missing");
        assertRefused(post("/webhooks/contentstack", "{\"module\": \"entry\"}", "application/json"), 422, "'event' is missing");
        assertRefused(post("/webhooks/contentstack", "{\"module\": 7, \"event\": \"publish\"}", "application/json"), 422, "'module' must be");
        assertRefused(post("/webhooks/contentstack", "{\"module\": \"entry\", \"event\": \"update\", \"data\": []}", "application/json"), 422, "'data'");

        assertThat(read(get("/executions?limit=1").body()).path("count").asLong()).isEqualTo(before);
        // and the next good webhook is served
        assertThat(deliverAndSettle(fixture("entry-update.json")).path("status").asText()).isEqualTo("ignored");
    }

    @Test
    void webhookEndpointTakesOnlyPost() {
        assertThat(get("/webhooks/contentstack").statusCode()).isEqualTo(405);
    }

    @Test
    void theDemoProfilesSimulatorAndReceiverAreAbsentWithoutIt() {
        assertThat(get("/demo/contentstack/cma/v3/environments").statusCode()).isEqualTo(404);
        assertThat(get("/demo/contentstack/cdn/v3/assets/blt0asset0example01?environment=production").statusCode())
                .isEqualTo(404);
        assertThat(post("/demo/receiver", "{}", "application/json").statusCode()).isEqualTo(404);
    }

    @Test
    void executionsAreListedNewestFirstAndFilteredByDateStatusAndPage() {
        Instant start = Instant.now();
        String first = deliverAndSettle(fixture("entry-update.json")).path("uid").asText();
        String second = deliverAndSettle(fixture("comment-update.json")).path("uid").asText();

        JsonNode page = read(get("/executions?from=" + start + "&status=ignored&limit=1").body());
        assertThat(page.path("count").asLong()).isEqualTo(2);
        assertThat(page.path("limit").asInt()).isEqualTo(1);
        assertThat(page.path("executions")).hasSize(1);
        assertThat(page.path("executions").get(0).path("uid").asText()).isEqualTo(second);
        JsonNode next = read(get("/executions?from=" + start + "&status=ignored&limit=1&skip=1").body());
        assertThat(next.path("executions").get(0).path("uid").asText()).isEqualTo(first);
        assertThat(read(get("/executions?to=" + start).body()).path("executions").findValuesAsText("uid"))
                .doesNotContain(first, second);

        JsonNode listed = page.path("executions").get(0);
        assertThat(listed.has("channel")).isTrue();
        assertThat(listed.has("event_data")).isTrue();
        assertThat(listed.has("created_at")).isTrue();
    }

    @Test
    void executionsAreFilteredByChannelAsTheRulesMatchThem() {
        Instant start = Instant.now();
        String entry = deliverAndSettle(fixture("entry-update.json")).path("uid").asText();
        String comment = deliverAndSettle(fixture("comment-update.json")).path("uid").asText();
        String asset = deliverAndSettle(fixture("asset-publish.json")).path("uid").asText();

        JsonNode comments = read(get("/executions?from=" + start + "&channel=content_types.*.comments.*").body());
        assertThat(uids(comments)).containsExactly(comment);
        assertThat(comments.path("count").asLong()).isEqualTo(1);
        assertThat(comments.path("scanned").asLong()).isEqualTo(3);

        // several patterns: any; skip and limit apply to the matches
        String either = "/executions?from=" + start + "&channel=assets.publish%20content_types.entries.update";
        assertThat(uids(read(get(either).body()))).containsExactly(asset, entry);
        JsonNode second = read(get(either + "&skip=1&limit=1").body());
        assertThat(uids(second)).containsExactly(entry);
        assertThat(second.path("count").asLong()).isEqualTo(2);
        assertThat(read(get("/executions?from=" + start).body()).has("scanned")).isFalse();
    }

    @Test
    void executionQueriesOutOfRangeAreRefused() {
        assertRefused(get("/executions?limit=101"), 400, "limit");
        assertRefused(get("/executions?limit=abc"), 400, "abc");
        assertRefused(get("/executions?from=yesterday"), 400, "'from'");
        assertRefused(get("/executions/no-such-execution"), 404, "no-such-execution");
    }

    @Test
    void storedExecutionsKeepNoCredentialsOrSignatures() throws Exception {
        String body = fixture("entry-update.json").replace("\"ACL\": {}",
                "\"ACL\": {}, \"http_basic_password\": \"hunter2\", \"access_token\": \"cs_leaky_token\"");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/contentstack"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer s3cr3t-destination-token")
                .header("X-Contentstack-Request-Signature", "v1=c2lnbmF0dXJl")
                .header("X-Custom-Secret", "custom-secret-value")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Authorization")).isEmpty();

        String stored = execution(read(response.body()).path("execution_uid").asText()).toString();

        assertThat(stored).doesNotContain("s3cr3t-destination-token", "c2lnbmF0dXJl", "custom-secret-value",
                "hunter2", "cs_leaky_token");
        assertThat(stored).contains("[redacted]", "Content-Type");
    }

    private static List<String> uids(JsonNode page) {
        List<String> uids = new ArrayList<>();
        page.path("executions").forEach(execution -> uids.add(execution.path("uid").asText()));
        return uids;
    }

    private void assertRefused(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
        JsonNode error = read(response.body());
        assertThat(error.path("error").asText()).contains(reason);
        assertThat(error.path("status").asInt()).isEqualTo(status);
        assertThat(response.body()).doesNotContain("at io.cmsrouter", "Exception:");
    }
}
