package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Random;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.cmsrouter.ContentstackSimulator.jobEntry;
import static io.cmsrouter.ContentstackSimulator.jobWebhook;
import static org.assertj.core.api.Assertions.assertThat;

/** What fails is kept as a dead letter, listed, and replayed on demand; nothing is lost under a faulty CDA. */
class DeadLettersAndReplayTest extends RouterHttpTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ProducerTemplate camel;

    @Test
    void itemMissingFromTheCdaIsADeadLetterUntilRetriedAfterItAppears() {
        stack.job("job-replay", "publish", List.of(
                jobEntry("blt0replay0ok001", "article", "en-us", "blt0env0production", "success"),
                jobEntry("blt0replay0late1", "article", "en-us", "blt0env0production", "success")), 100, "total_count");
        cms.stubFor(WireMock.get(urlPathEqualTo("/v3/content_types/article/entries/blt0replay0late1")).atPriority(1)
                .willReturn(aResponse().withStatus(404)));

        String uid = deliver(jobWebhook("job-replay", "publish")).path("execution_uid").asText();
        JsonNode failed = settled(uid);

        assertThat(failed.path("status").asText()).isEqualTo("partial");
        assertThat(failed.path("status_code").asInt()).isEqualTo(424);
        assertThat(item(failed, "blt0replay0late1").path("status").asText()).isEqualTo("failed");
        assertThat(listed("/executions?status=partial,failed")).contains(uid);
        String deadLetters = URLEncoder.encode("{\"status\":{\"$gte\":\"400\",\"$lte\":\"599\"}}", StandardCharsets.UTF_8);
        assertThat(listed("/executions?query=" + deadLetters)).contains(uid);
        String successes = URLEncoder.encode("{\"status\":{\"$gte\":\"200\",\"$lte\":\"399\"}}", StandardCharsets.UTF_8);
        assertThat(listed("/executions?query=" + successes)).doesNotContain(uid);

        // the entry is published after all: the CDA now serves it
        cms.removeStub(cms.getStubMappings().stream().filter(m -> m.getPriority() != null && m.getPriority() == 1)
                .findFirst().orElseThrow());
        cms.resetRequests();
        HttpResponse<String> retry = post("/executions/" + uid + "/retry", "", "application/json");

        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
        assertThat(read(retry.body()).path("notice").asText()).isEqualTo("Retry scheduled");
        assertThat(read(retry.body()).path("failed_items").asInt()).isEqualTo(1);
        JsonNode retried = settled(uid);
        assertThat(retried.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("article", "blt0replay0late1", "production", "en-us").statusCode()).isEqualTo(200);
        // only what had failed was fetched again
        cms.verify(1, getRequestedFor(urlPathMatching("/v3/content_types/.*")));
        cms.verify(0, getRequestedFor(urlPathEqualTo("/v3/content_types/article/entries/blt0replay0ok001")));
    }

    @Test
    void onlyFailedOrPartialExecutionsCanBeRetried() {
        String ignored = deliverAndSettle(fixture("entry-update.json")).path("uid").asText();

        HttpResponse<String> refused = post("/executions/" + ignored + "/retry", "", "application/json");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(read(refused.body()).path("error").asText()).contains("ignored");
        assertThat(post("/executions/no-such-execution/retry", "", "application/json").statusCode()).isEqualTo(404);
    }

    @Test
    void everyItemEndsCachedWhenTheCdaFailsThirtyPercentOfRequests() {
        Random random = new Random(42);
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String uid = "blt0fault0entry" + i;
            items.add(jobEntry(uid, "article", "en-us", "blt0env0production", "success"));
            // 30% of first answers fail: 500, 503, a reset connection, or 429 with Retry-After
            if (random.nextInt(10) < 3) {
                String scenario = "fault-" + uid;
                var failure = switch (i % 4) {
                    case 0 -> aResponse().withStatus(500);
                    case 1 -> aResponse().withStatus(503);
                    case 2 -> aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER);
                    default -> aResponse().withStatus(429).withHeader("Retry-After", "1");
                };
                cms.stubFor(WireMock.get(urlPathEqualTo("/v3/content_types/article/entries/" + uid)).atPriority(1)
                        .inScenario(scenario).whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                        .willReturn(failure).willSetStateTo("recovered"));
            }
        }
        stack.job("job-faults", "publish", items, 100, "total_count");

        JsonNode execution = settled(deliver(jobWebhook("job-faults", "publish")).path("execution_uid").asText());

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("summary").path("succeeded").asInt()).isEqualTo(60);
        long faults = cms.getStubMappings().stream().filter(m -> m.getScenarioName() != null).count();
        assertThat(faults).isPositive();
        assertThat(execution.path("summary").path("attempts").asLong()).isEqualTo(60 + faults);
        for (int i = 0; i < 60; i++) {
            assertThat(cachedEntry("article", "blt0fault0entry" + i, "production", "en-us").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void executionsPastTheRetentionArePurged() {
        String old = deliverAndSettle(fixture("entry-update.json")).path("uid").asText();
        String recent = deliverAndSettle(fixture("comment-update.json")).path("uid").asText();
        jdbc.update("update execution set created_at = ? where uid = ?",
                Timestamp.from(Instant.now().minus(Duration.ofDays(31))), UUID.fromString(old));

        // what the purge-schedule timer does every router.executions.purge-interval
        camel.sendBody("direct:purge-executions", null);

        assertThat(get("/executions/" + old).statusCode()).isEqualTo(404);
        assertThat(get("/executions/" + recent).statusCode()).isEqualTo(200);
    }

    private List<String> listed(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return read(response.body()).path("executions").findValuesAsText("uid");
    }
}
