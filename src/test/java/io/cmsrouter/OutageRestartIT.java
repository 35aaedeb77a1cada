package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cmsrouter.ContentstackSimulator.jobEntry;
import static io.cmsrouter.ContentstackSimulator.jobWebhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CDA outage outlasts the in-process retries, and the router is killed (SIGKILL) while items wait for their
 * scheduled retry: the schedule is on disk, so the restarted router (this time with process-crash durability rather
 * than the default power-loss) keeps retrying them, dead-letters none, and caches every item once the CDA is back.
 */
class OutageRestartIT {
    private static final int ITEMS = 60;
    private static final List<String> SETTINGS = List.of("--router.retry.max-redeliveries=1",
            "--router.retry.initial-delay=50ms", "--router.retry.schedule.first-delay=2s",
            "--router.retry.schedule.max-delay=4s", "--router.retry.schedule.horizon=10m");

    private WireMockServer cms;
    private RouterProcess router;

    @BeforeEach
    void simulateStack() throws Exception {
        cms = new WireMockServer(options().dynamicPort());
        cms.start();
        ContentstackSimulator stack = new ContentstackSimulator(cms);
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add(jobEntry("outage-entry-" + i, "article", "en-us", "blt0env0production", "success"));
        }
        stack.job("job-outage", "publish", items, 100, "total_count");
        router = new RouterProcess("outage-router", Files.createTempDirectory(Path.of("target"), "outage-data-"));
    }

    @AfterEach
    void stop() {
        router.destroy();
        cms.stop();
    }

    @Test
    void aRestartDuringAnOutageKeepsTheScheduleAndLosesNothing() throws Exception {
        StubMapping outage = cms.stubFor(WireMock.get(urlPathMatching("/v3/content_types/article/entries/outage-.*"))
                .atPriority(1).willReturn(aResponse().withStatus(503)));
        router.start(cms.baseUrl(), SETTINGS, Map.of());
        HttpResponse<String> ack = router.postWebhook(jobWebhook("job-outage", "publish"));
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
        String uid = router.read(ack.body()).path("execution_uid").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> "retrying".equals(status(uid)));
        JsonNode before = router.getJson("/executions/" + uid);
        assertThat(before.path("summary").path("pending").asInt()).isEqualTo(ITEMS);

        router.kill();
        router.start(cms.baseUrl(), concat(SETTINGS, "--router.durability=process-crash"), Map.of());

        // still waiting on the schedule, none given up, and retried again by the new process (the settlement after
        // the last page may have been lost with the process: the resumed run settles it again)
        await().atMost(Duration.ofSeconds(30)).until(() -> "retrying".equals(status(uid)));
        JsonNode after = router.getJson("/executions/" + uid);
        assertThat(after.path("summary").path("pending").asInt()).isEqualTo(ITEMS);
        long attemptsBefore = before.path("summary").path("attempts").asLong();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> router.getJson("/executions/" + uid).path("summary").path("attempts").asLong() > attemptsBefore);
        assertThat(router.getJson("/executions/" + uid).path("summary").has("failed")).isFalse();

        cms.removeStub(outage);
        await().atMost(Duration.ofSeconds(60)).until(() -> "succeeded".equals(status(uid)));
        assertThat(router.getJson("/executions/" + uid).path("summary").path("succeeded").asInt()).isEqualTo(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            assertThat(router.status("/cache/entries/article/outage-entry-" + i + "?environment=production&locale=en-us"))
                    .isEqualTo(200);
        }
    }

    private String status(String uid) throws Exception {
        return router.getJson("/executions/" + uid).path("status").asText();
    }

    private static List<String> concat(List<String> settings, String more) {
        List<String> all = new ArrayList<>(settings);
        all.add(more);
        return all;
    }
}
