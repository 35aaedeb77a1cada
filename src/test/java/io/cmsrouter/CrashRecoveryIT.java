package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cmsrouter.ContentstackSimulator.concisePublish;
import static io.cmsrouter.ContentstackSimulator.isCdaFetch;
import static io.cmsrouter.ContentstackSimulator.cachePath;
import static io.cmsrouter.ContentstackSimulator.jobItems;
import static io.cmsrouter.ContentstackSimulator.jobWebhook;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged service as a separate process, killed with SIGKILL before the ack, right after the ack and in the
 * middle of a bulk job's fan-out, and restarted on the same data dir against a simulated stack with latency. In the
 * end every acknowledged event is applied, every item is cached as the newest event says, nothing is stuck, and the
 * job was not redone from scratch, and a downstream target (configured by environment variables, as a deployment
 * would) has been told of every applied item at least once. Run on embedded H2 and on PostgreSQL (skipped, with a
 * notice, where it cannot be reached). Counts: -Dcrash.items / -Dcrash.singles (the crash profile runs 2,000 and 200).
 */
class CrashRecoveryIT {
    private static final int ITEMS = Integer.getInteger("crash.items", 400);
    private static final int SINGLES = Integer.getInteger("crash.singles", 60);
    private static final String JOB = "job-crash";

    /** router.fanout.page-size: a crash in the middle of a fan-out redoes at most the page in flight */
    private static final int PAGE = 100;

    private WireMockServer cms;
    private PurgeTarget downstream;
    private RouterProcess router;
    /** Nothing for embedded H2, else the PostgreSQL settings */
    private List<String> database = List.of();

    @BeforeEach
    void simulateStack() throws IOException {
        cms = new WireMockServer(options().dynamicPort());
        cms.start();
        cms.setGlobalFixedDelay(20);
        ContentstackSimulator stack = new ContentstackSimulator(cms);
        stack.job(JOB, "publish", jobItems("crash", ITEMS), 100, "total_count");
        router = new RouterProcess("crash-router", Files.createTempDirectory(Path.of("target"), "crash-data-"));
        downstream = new PurgeTarget(5);
    }

    @AfterEach
    void stop() {
        router.destroy();
        cms.stop();
        downstream.stop();
    }

    /**
     * On PostgreSQL the restarted router is a new instance (its own process id): it takes the killed one's work over
     * once the leases expire (router.cluster.lease-duration, 4s here), as another router would.
     */
    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"h2", "postgresql"})
    void killedAtAnyPointLosesNothingAndAppliesEverythingOnce(String store) throws Exception {
        if (store.equals("postgresql")) {
            String url = System.getenv("ROUTER_TEST_POSTGRES_URL");
            assumeTrue(PostgresAvailable.usable(url), "PostgreSQL cannot be reached");
            database = new ArrayList<>(PostgresAvailable.routerSettings(url));
            database.addAll(List.of("--router.cluster.heartbeat-interval=1s", "--router.cluster.lease-duration=4s"));
        }
        Map<String, String> acked = new ConcurrentHashMap<>();
        List<String> singles = new ArrayList<>();
        for (int i = 0; i < SINGLES; i++) {
            singles.add(concisePublish("crash-single-" + i, "2026-03-25T10:00:00.000Z"));
        }

        // 1. before the ack: kill while single events are arriving
        start();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        for (String webhook : singles) {
            senders.submit(() -> deliver(webhook, acked));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() >= Math.min(10, SINGLES));
        router.kill();
        senders.shutdown();
        assertThat(senders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        // 2. right after the ack of a bulk job
        start();
        String jobExecution = deliver(jobWebhook(JOB, "publish"), acked);
        assertThat(jobExecution).isNotNull();
        router.kill();

        // 3. in the middle of the job's fan-out
        start();
        await().atMost(Duration.ofSeconds(120)).until(() -> cdaRequests() >= ITEMS / 3);
        router.kill();
        long fetchedBeforeLastCrash = cdaRequests();
        assertThat(fetchedBeforeLastCrash).isLessThan(ITEMS + SINGLES);

        // restart; Contentstack redelivers what was never acknowledged, and unpublishes a tenth of the singles
        start();
        for (String webhook : singles) {
            deliver(webhook, acked);
        }
        List<String> unpublished = new ArrayList<>();
        for (int i = 0; i < SINGLES; i += 10) {
            unpublished.add("crash-single-" + i);
            deliver(concisePublish("crash-single-" + i, "2026-03-25T11:00:00.000Z")
                    .replace("\"publish\"", "\"unpublish\""), acked);
        }

        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).until(this::nothingUnfinished);

        for (String uid : acked.values()) {
            JsonNode execution = router.getJson("/executions/" + uid);
            assertThat(execution.path("status").asText()).as(uid).isIn("succeeded", "ignored");
        }
        assertThat(acked.values()).contains(jobExecution);
        assertThat(router.getJson("/executions/" + jobExecution).path("summary").path("succeeded").asInt()).isEqualTo(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            assertThat(router.status(cachePath("crash", i))).as(cachePath("crash", i)).isEqualTo(200);
        }
        for (int i = 0; i < SINGLES; i++) {
            String uid = "crash-single-" + i;
            int expected = unpublished.contains(uid) ? 404 : 200;
            assertThat(router.status("/cache/entries/article/" + uid + "?environment=production&locale=en-us")).as(uid)
                    .isEqualTo(expected);
        }
        // resumed, not redone: beyond each item once, only the page in flight at the kill was fetched again
        long jobFetches = cms.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().contains("/crash-")
                && !e.getRequest().getUrl().contains("crash-single")).count();
        assertThat(jobFetches).isBetween((long) ITEMS, (long) ITEMS + PAGE);

        // every applied item of every acknowledged execution reached the downstream target at least once
        Set<String> expected = new HashSet<>();
        for (String uid : acked.values()) {
            for (JsonNode item : router.getJson("/executions/" + uid).path("items")) {
                if ("succeeded".equals(item.path("status").asText())) {
                    expected.add(uid + "|" + item.path("uid").asText());
                }
            }
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(ITEMS + SINGLES);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> downstream.notified().containsAll(expected));

        // graceful shutdown: webhooks arriving while it drains are refused with 503 and Retry-After, never lost
        router.stop();
        for (int i = 0; router.isAlive() && i < 200; i++) {
            HttpResponse<String> response = router.postWebhook(concisePublish("crash-late-" + i, "2026-03-25T12:00:00.000Z"));
            if (response != null) {
                assertThat(response.statusCode()).as(response.body()).isIn(202, 503);
                if (response.statusCode() == 503) {
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                }
            }
        }
        assertThat(router.waitFor(Duration.ofSeconds(60))).isTrue();
    }

    /** Posts a webhook; an acknowledged one (202, or 200 for a redelivery) is remembered by its execution. */
    private String deliver(String webhook, Map<String, String> acked) {
        HttpResponse<String> response = router.postWebhook(webhook);
        if (response == null || (response.statusCode() != 202 && response.statusCode() != 200)) {
            return null;
        }
        String uid = router.read(response.body()).path("execution_uid").asText();
        acked.put(uid, uid);
        return uid;
    }

    private boolean nothingUnfinished() throws Exception {
        return router.getJson("/executions?status=received,processing,retrying&limit=1").path("count").asLong() == 0;
    }

    private long cdaRequests() {
        return cms.getAllServeEvents().stream().filter(e -> isCdaFetch(e.getRequest().getUrl())).count();
    }

    private void start() throws Exception {
        List<String> settings = new ArrayList<>(database);
        settings.addAll(List.of("--contentstack.cda-rate=100", "--router.retry.initial-delay=50ms"));
        router.start(cms.baseUrl(), settings, downstream.environment());
    }
}
