package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.cmsrouter.ContentstackSimulator.jobEntry;
import static io.cmsrouter.ContentstackSimulator.jobWebhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durable retry schedule: a CMS outage longer than the in-process retries dead-letters nothing, and only what
 * keeps failing past the schedule's horizon becomes a dead letter. The schedule is quickened here (its waits start
 * at 300 ms, its horizon is 6 s); OutageRestartIT shows it survives a restart.
 */
@TestPropertySource(properties = {
        "router.retry.schedule.first-delay=300ms",
        "router.retry.schedule.max-delay=1s",
        "router.retry.schedule.horizon=6s"
})
class DurableRetryTest extends RouterHttpTest {
    private static final Duration OUTAGE = Duration.ofSeconds(3);

    @Test
    void aCdaOutageLongerThanTheInProcessRetriesDeadLettersNothing() {
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            items.add(jobEntry("blt0outage0item" + i, "outage_ct", "en-us", "blt0env0production", "success"));
        }
        stack.job("job-outage", "publish", items, 100, "total_count");
        StubMapping outage = cms.stubFor(WireMock.get(urlPathMatching("/v3/content_types/outage_ct/entries/.*"))
                .atPriority(1).willReturn(aResponse().withStatus(503)));

        String uid = deliver(jobWebhook("job-outage", "publish")).path("execution_uid").asText();
        // the in-process retries (3, from 20 ms) are used up long before the outage ends: the items wait on disk
        await().atMost(Duration.ofSeconds(60)).until(() -> execution(uid).path("status").asText(), "retrying"::equals);
        JsonNode waiting = execution(uid);
        assertThat(waiting.path("summary").path("pending").asInt()).isEqualTo(150);
        assertThat(waiting.path("summary").has("failed")).isFalse();
        Instant outageEnds = Instant.parse(waiting.path("created_at").asText()).plus(OUTAGE);
        await().atMost(OUTAGE.plusSeconds(5)).until(() -> Instant.now().isAfter(outageEnds));
        assertThat(execution(uid).path("summary").has("failed")).as("nothing is dead within the horizon").isFalse();
        cms.removeStub(outage);

        JsonNode done = settled(uid);
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("summary").path("succeeded").asInt()).isEqualTo(150);
        for (int i = 0; i < 150; i++) {
            assertThat(cachedEntry("outage_ct", "blt0outage0item" + i, "production", "en-us").statusCode())
                    .isEqualTo(200);
        }
        // every attempt is counted: the successful one and each failed one before it
        long requests = cms.findAll(getRequestedFor(urlPathMatching("/v3/content_types/outage_ct/entries/.*"))).size();
        assertThat(done.path("summary").path("attempts").asLong()).isEqualTo(requests);
    }

    @Test
    void aJobWhoseNextPageCannotBeReadWhileItsFirstItemsWaitResumesAndFinishesEveryPage() {
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            items.add(jobEntry("blt0pages0wait" + i, "paged_ct", "en-us", "blt0env0production", "success"));
        }
        stack.job("job-paged-outage", "publish", items, 100, "total_count");
        // the first page's items cannot be fetched, and then the second page cannot be read
        StubMapping cdaOutage = cms.stubFor(WireMock.get(urlPathMatching("/v3/content_types/paged_ct/entries/.*"))
                .atPriority(1).willReturn(aResponse().withStatus(503)));
        StubMapping cmaOutage = cms.stubFor(WireMock.get(urlPathEqualTo("/v3/bulk/jobs/job-paged-outage/items"))
                .withQueryParam("skip", com.github.tomakehurst.wiremock.client.WireMock.equalTo("100")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));

        String uid = deliver(jobWebhook("job-paged-outage", "publish")).path("execution_uid").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> execution(uid).path("attempts").asInt() >= 2);

        // the run is scheduled again where it stopped; its waiting items are not taken for a finished run's
        JsonNode waiting = execution(uid);
        assertThat(waiting.path("status").asText()).isEqualTo("processing");
        assertThat(waiting.path("error").asText()).contains("HTTP 503");
        assertThat(waiting.path("summary").path("pending").asInt()).isEqualTo(100);
        cms.removeStub(cmaOutage);
        cms.removeStub(cdaOutage);

        JsonNode done = settled(uid);
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("summary").path("succeeded").asInt()).isEqualTo(150);
        for (int i = 0; i < 150; i++) {
            assertThat(cachedEntry("paged_ct", "blt0pages0wait" + i, "production", "en-us").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anItemThatFailsPastTheHorizonIsADeadLetterWithEveryAttemptCounted() {
        String path = "/v3/content_types/article/entries/blt0forever0503";
        cms.stubFor(WireMock.get(urlPathEqualTo(path)).atPriority(1).willReturn(aResponse().withStatus(503)));

        String uid = deliver(fixture("entry-publish-concise.json").replace("blt0entry0concise1", "blt0forever0503"))
                .path("execution_uid").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> execution(uid).path("status").asText(), "failed"::equals);
        JsonNode failed = execution(uid);

        JsonNode item = item(failed, "blt0forever0503");
        assertThat(item.path("status").asText()).isEqualTo("failed");
        assertThat(item.path("error").asText()).contains("HTTP 503").contains("retried on schedule for PT6S");
        assertThat(item.path("next_attempt_at").isNull()).isTrue();
        // several scheduled rounds, each the first attempt and 3 in-process retries
        int attempts = item.path("attempts").asInt();
        assertThat(attempts).isGreaterThanOrEqualTo(8).isEqualTo(4 * (attempts / 4));
        cms.verify(attempts, getRequestedFor(urlPathEqualTo(path)));
        assertThat(failed.path("status_code").asInt()).isEqualTo(500);
    }

    @Test
    void aRunThatFailsAsAWholeIsScheduledAgainAndResumes() {
        stack.job("job-cma-outage", "publish", List.of(
                jobEntry("blt0cma0outage01", "article", "en-us", "blt0env0production", "success")), 100, "total_count");
        StubMapping outage = cms.stubFor(WireMock.get(urlPathEqualTo("/v3/bulk/jobs/job-cma-outage")).atPriority(1)
                .willReturn(aResponse().withStatus(502)));

        String uid = deliver(jobWebhook("job-cma-outage", "publish")).path("execution_uid").asText();
        await().until(() -> execution(uid).path("attempts").asInt() >= 1);
        JsonNode scheduled = execution(uid);
        assertThat(scheduled.path("status").asText()).isEqualTo("received");
        assertThat(scheduled.path("status_code").asInt()).isEqualTo(202);
        assertThat(scheduled.path("error").asText()).contains("HTTP 502");
        assertThat(scheduled.path("next_attempt_at").asText()).isNotEmpty();
        cms.removeStub(outage);

        JsonNode done = settled(uid);
        assertThat(done.path("status").asText()).isEqualTo("succeeded");
        assertThat(done.path("error").isNull()).isTrue();
        assertThat(cachedEntry("article", "blt0cma0outage01", "production", "en-us").statusCode()).isEqualTo(200);
    }
}
