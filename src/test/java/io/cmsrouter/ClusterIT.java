package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
 * Two packaged routers, A and B, as separate processes on one PostgreSQL database, against a simulated stack whose
 * CDA answers 429 above {@value #CMS_LIMIT} requests a second. A storm of one webhook's redeliveries spread over both
 * is one execution; an item published again through A is read fresh through B; a 2,000-item job sent to A is fanned
 * out by both at once at a cluster-wide contentstack.cda-rate of {@value #CDA_RATE}, and the stack refuses nothing
 * (each alone at that rate would make it refuse); A is killed with SIGKILL in the middle of it, and B finishes it
 * without A coming back, fetching again only the page A had in flight; and every notification reaches the target
 * once.
 * Skipped, with a notice, where PostgreSQL cannot be reached (.ci/run requires it).
 */
class ClusterIT {
    private static final int BIG = 2_000;
    /** router.fanout.page-size: what a takeover may fetch again */
    private static final int PAGE = 100;
    private static final int CMS_LIMIT = 100;
    private static final int CDA_RATE = 80;
    private static final String PUBLISHED_AT = "2026-03-25T10:00:00.000Z";

    private final CdaRateLimit rateLimit = new CdaRateLimit(CMS_LIMIT);
    private List<String> database;
    private WireMockServer cms;
    private PurgeTarget downstream;
    private RouterProcess a;
    private RouterProcess b;

    @BeforeEach
    void setUp() throws Exception {
        String url = System.getenv("ROUTER_TEST_POSTGRES_URL");
        assumeTrue(PostgresAvailable.usable(url), "PostgreSQL cannot be reached: several routers need it");
        database = PostgresAvailable.routerSettings(url);
        cms = new WireMockServer(options().dynamicPort().extensions(rateLimit));
        cms.start();
        cms.setGlobalFixedDelay(10);
        ContentstackSimulator stack = new ContentstackSimulator(cms);
        stack.job("job-big", "publish", jobItems("big", BIG), PAGE, "total_count");
        downstream = new PurgeTarget(0);
        a = new RouterProcess("cluster-a", Files.createTempDirectory(Path.of("target"), "cluster-a-"));
        b = new RouterProcess("cluster-b", Files.createTempDirectory(Path.of("target"), "cluster-b-"));
    }

    @AfterEach
    void tearDown() {
        for (RouterProcess router : new RouterProcess[] {a, b}) {
            if (router != null) {
                router.destroy();
            }
        }
        if (cms != null) {
            cms.stop();
            downstream.stop();
        }
    }

    @Test
    void twoRoutersShareTheWorkAndOneFinishesWhatTheOtherLeft() throws Exception {
        start(a, "router-a");
        start(b, "router-b");
        // each takes half the cluster's rate ceiling once it sees the other
        await().atMost(Duration.ofSeconds(30)).until(() -> live(a) == 2 && live(b) == 2);

        // 1. a storm of redeliveries of one event, spread over both: one execution
        List<HttpResponse<String>> storm = storm(concisePublish("storm-entry", PUBLISHED_AT), 40);
        assertThat(storm).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isIn(200, 202));
        assertThat(storm.stream().filter(r -> r.statusCode() == 202)).hasSize(1);
        Set<String> executions = storm.stream().map(r -> a.read(r.body()).path("execution_uid").asText())
                .collect(Collectors.toSet());
        assertThat(executions).hasSize(1);
        String stormExecution = executions.iterator().next();
        awaitStatus(b, stormExecution, "succeeded");

        // 2. written through A, read fresh through B (which had cached the old version)
        settle(a, concisePublish("fresh-entry", PUBLISHED_AT, 1));
        assertThat(title(b, "fresh-entry")).isEqualTo("Entry fresh-entry");
        cms.stubFor(get(urlPathEqualTo("/v3/content_types/article/entries/fresh-entry"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"entry\": {\"uid\": \"fresh-entry\", \"title\": \"Fresh again\", \"locale\":"
                                + " \"en-us\", \"_version\": 2, \"_content_type_uid\": \"article\"}}")));
        settle(a, concisePublish("fresh-entry", "2026-03-25T10:05:00.000Z", 2));
        // the bound is the change announcement's way from A's commit to B
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> title(b, "fresh-entry"), "Fresh again"::equals);

        // 3. one bulk job through A, worked by both at once at the cluster's rate; A dies in the middle of it
        String big = accepted(a.postWebhook(jobWebhook("job-big", "publish")));
        await().atMost(Duration.ofSeconds(120)).until(() -> pagesDoneBy(big, "router-a") >= 3
                && pagesDoneBy(big, "router-b") >= 2);
        a.kill();
        long fetchedBeforeKill = fetched("big-");
        assertThat(fetchedBeforeKill).isLessThan(BIG);

        awaitStatus(b, big, "succeeded");
        JsonNode job = b.getJson("/executions/" + big);
        assertThat(job.path("summary").path("succeeded").asInt()).isEqualTo(BIG);
        assertThat(job.path("pages").path("done").asInt()).isEqualTo(BIG / PAGE);
        assertThat(job.path("pages").path("open").asInt()).isZero();
        System.out.printf("ClusterIT: %d of %d items fetched when A was killed; pages done by %s; the stack served at"
                + " most %d requests in a second and refused %d%n", fetchedBeforeKill, BIG, job.path("pages")
                .path("done_by"), rateLimit.peak(), rateLimit.refused());
        assertThat(rateLimit.refused()).as("429s from the stack").isZero();

        // taken over page by page: every item fetched, and only the page A had in flight twice at most
        Map<String, Integer> fetches = fetchesPerItem("big-");
        assertThat(fetches).hasSize(BIG);
        assertThat(fetches.values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
        long twice = fetches.values().stream().filter(n -> n > 1).count();
        System.out.printf("ClusterIT: B finished the job; %d items were fetched twice (at most a page, %d)%n", twice, PAGE);
        assertThat(twice).isLessThanOrEqualTo(PAGE);
        for (int i = 0; i < BIG; i += 97) {
            assertThat(b.status(cachePath("big", i))).as(cachePath("big", i)).isEqualTo(200);
        }

        // A is gone: not live, and holds nothing any more
        JsonNode gone = await().atMost(Duration.ofSeconds(30)).until(() -> instance(b, "router-a"),
                i -> !i.path("live").asBoolean());
        assertThat(gone.path("holds").path("executions").asInt()).isZero();

        // 4. every notification reached the target once: one request per webhook-id
        Set<String> applied = new HashSet<>();
        for (String uid : List.of(stormExecution, big)) {
            b.getJson("/executions/" + uid).path("items").forEach(item -> applied.add(uid + "|" + item.path("uid").asText()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> downstream.notified().containsAll(applied));
        assertThat(downstream.requestsPerWebhookId().values()).allSatisfy(n -> assertThat(n).isEqualTo(1L));
    }

    private void start(RouterProcess router, String name) throws Exception {
        List<String> settings = new ArrayList<>(database);
        settings.addAll(List.of(
                "--router.instance-id=" + name,
                "--router.cluster.heartbeat-interval=1s",
                "--router.cluster.lease-duration=4s",
                "--contentstack.cda-rate=" + CDA_RATE));
        router.start(cms.baseUrl(), settings, downstream.environment());
    }

    /** The same webhook posted {@code count} times at once, every other one to each router. */
    private List<HttpResponse<String>> storm(String webhook, int count) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                RouterProcess to = i % 2 == 0 ? a : b;
                sent.add(senders.submit(() -> to.postWebhook(webhook)));
            }
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> response : sent) {
                responses.add(response.get());
            }
            return responses;
        } finally {
            senders.shutdown();
        }
    }

    private String accepted(HttpResponse<String> response) {
        assertThat(response).isNotNull();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return a.read(response.body()).path("execution_uid").asText();
    }

    private void settle(RouterProcess router, String webhook) {
        awaitStatus(router, accepted(router.postWebhook(webhook)), "succeeded");
    }

    private static void awaitStatus(RouterProcess router, String uid, String status) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                .until(() -> router.getJson("/executions/" + uid).path("status").asText(), status::equals);
    }

    private static String title(RouterProcess router, String uid) throws Exception {
        return router.getJson("/cache/entries/article/" + uid + "?environment=production&locale=en-us")
                .path("title").asText();
    }

    private int pagesDoneBy(String job, String instance) throws Exception {
        return b.getJson("/executions/" + job).path("pages").path("done_by").path(instance).asInt();
    }

    private static int live(RouterProcess router) throws Exception {
        int live = 0;
        for (JsonNode instance : router.getJson("/admin/cluster").path("instances")) {
            live += instance.path("live").asBoolean() ? 1 : 0;
        }
        return live;
    }

    private static JsonNode instance(RouterProcess router, String id) throws Exception {
        for (JsonNode instance : router.getJson("/admin/cluster").path("instances")) {
            if (id.equals(instance.path("instance_id").asText())) {
                return instance;
            }
        }
        throw new AssertionError("no instance " + id);
    }

    /** CDA requests served (not refused) for items whose uid starts with the prefix. */
    private long fetched(String prefix) {
        return fetchesPerItem(prefix).values().stream().mapToLong(Integer::longValue).sum();
    }

    private Map<String, Integer> fetchesPerItem(String prefix) {
        Map<String, Integer> fetches = new HashMap<>();
        for (ServeEvent event : cms.getAllServeEvents()) {
            String path = event.getRequest().getUrl().replaceFirst("\\?.*", "");
            String uid = path.substring(path.lastIndexOf('/') + 1);
            if (uid.startsWith(prefix) && event.getResponse().getStatus() == 200
                    && isCdaFetch(path)) {
                fetches.merge(uid, 1, Integer::sum);
            }
        }
        return fetches;
    }
}
