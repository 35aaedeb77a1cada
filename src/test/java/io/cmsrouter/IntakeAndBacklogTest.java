package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The intake under pressure: webhooks arriving together share one group commit and twins among them are still told
 * apart exactly; a burst larger than the dispatch queue waits on disk, not in the request; the in-memory cache keeps
 * to its byte bound and reads the rest from the store. The settings make each of these happen on purpose: a 200 ms
 * batch window, a queue of 3 with one dispatcher, a 64 KB cache.
 */
@TestPropertySource(properties = {
        "router.intake.batch-window=200ms",
        "router.dispatch.queue-size=3",
        "router.dispatch.concurrency=1",
        "router.cache.max-size=64KB"
})
class IntakeAndBacklogTest extends RouterHttpTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    Cache<String, byte[]> content;

    private String fullPublish(String uid, String triggeredAt, int bodyChars) {
        ObjectNode event = (ObjectNode) read(fixture("entry-publish-concise.json"));
        event.put("triggered_at", triggeredAt);
        ObjectNode entry = (ObjectNode) event.path("data").path("entry");
        entry.put("uid", uid).put("body", "x".repeat(bodyChars));
        return event.toString();
    }

    @Test
    void twinsInOneGroupCommitGetExactlyOne202() throws Exception {
        List<String> twins = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            // Contentstack's redeliveries differ in triggered_at only
            twins.add(fullPublish("blt0twin0entry01", "2026-03-25T10:00:%02d.000Z".formatted(i), 10));
        }

        List<HttpResponse<String>> responses = postAtOnce(twins);

        assertThat(meters.get("router.intake.batch.size").summary().max()).as("recorded together").isGreaterThan(1);
        assertThat(settled(onlyOneAccepted(responses)).path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void aBurstLargerThanTheDispatchQueueWaitsOnDiskAndIsAllApplied() throws Exception {
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(fullPublish("blt0burst0entry" + i, "2026-03-25T10:00:00.000Z", 10));
        }

        List<HttpResponse<String>> responses = postAtOnce(burst);

        List<String> executions = new ArrayList<>();
        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            executions.add(read(response.body()).path("execution_uid").asText());
        }
        for (String uid : executions) {
            assertThat(settled(uid).path("status").asText()).isEqualTo("succeeded");
        }
        for (int i = 0; i < 40; i++) {
            assertThat(cachedEntry("article", "blt0burst0entry" + i, "production", "en-us").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theInMemoryCacheKeepsToItsByteBoundAndReadsTheRestFromTheStore() {
        List<String> executions = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            // 60 items of about 4 KB: about 240 KB of JSON, against a 64 KB cache
            executions.add(deliver(fullPublish("blt0bound0entry" + i, "2026-03-25T10:00:00.000Z", 4000))
                    .path("execution_uid").asText());
        }
        executions.forEach(this::settled);

        for (int i = 0; i < 60; i++) {
            HttpResponse<String> cached = cachedEntry("article", "blt0bound0entry" + i, "production", "en-us");
            assertThat(cached.statusCode()).isEqualTo(200);
            assertThat(read(cached.body()).path("body").asText()).hasSize(4000);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            content.cleanUp();
            long weight = content.policy().eviction().orElseThrow().weightedSize().orElseThrow();
            assertThat(weight).isPositive().isLessThanOrEqualTo(64 * 1024);
        });
    }
}
