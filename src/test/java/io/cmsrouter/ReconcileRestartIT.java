package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.cmsrouter.ContentstackWebhookApi.entryPublish;
import static io.cmsrouter.ContentstackWebhookApi.loggedExecution;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The router as packaged, in its own process. At its first start it registers its webhook; while it is stopped three
 * publishes fail in Contentstack's executions log; started again, it creates no second webhook, and its run at start
 * applies the three without anyone posting them, while a fourth, which it had received before it stopped (Contentstack
 * logged that delivery as failed all the same), is not applied twice.
 */
class ReconcileRestartIT {
    private static final String HOOK = "cs0restart0hook";
    private static final List<String> SETTINGS = List.of("--router.reconcile.enabled=true",
            "--contentstack.webhook.url=https://router.example.com/webhooks/contentstack");

    private WireMockServer cms;
    private ContentstackWebhookApi api;
    private RouterProcess router;

    @BeforeEach
    void simulateStack() throws Exception {
        cms = new WireMockServer(options().dynamicPort());
        cms.start();
        new ContentstackSimulator(cms);
        api = new ContentstackWebhookApi(cms, HOOK);
        api.lists();
        api.acceptsWrites();
        api.executions(List.of());
        router = new RouterProcess("reconcile-router", Files.createTempDirectory(Path.of("target"), "reconcile-data-"));
    }

    @AfterEach
    void stop() {
        router.destroy();
        cms.stop();
    }

    @Test
    void eventsThatFailedWhileTheRouterWasDownAreAppliedAtItsNextStart() throws Exception {
        router.start(cms.baseUrl(), SETTINGS, Map.of());
        JsonNode first = runAtStart(0);
        assertThat(first.path("outcome").asText()).as(first.toString()).isEqualTo("succeeded");
        cms.verify(1, postRequestedFor(urlPathEqualTo("/v3/webhooks")));
        api.keepWritten();
        ObjectNode received = entryPublish("blt0restart0fourth", "Received", 1, Instant.now());
        HttpResponse<String> ack = router.postWebhook(received.toString());
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> cached("blt0restart0fourth") == 200);

        router.stop();
        assertThat(router.waitFor(Duration.ofSeconds(60))).isTrue();
        Instant outage = Instant.now();
        api.executions(List.of(
                loggedExecution("cs0exec0down1", HOOK, entryPublish("blt0restart0first", "First", 1, outage), null,
                        "ECONNREFUSED"),
                loggedExecution("cs0exec0down2", HOOK, entryPublish("blt0restart0second", "Second", 1,
                        outage.plusMillis(10)), null, "ECONNRESET"),
                loggedExecution("cs0exec0down3", HOOK, entryPublish("blt0restart0third", "Third", 1,
                        outage.plusMillis(20)), 502, null),
                loggedExecution("cs0exec0fourth", HOOK, received, null, "ETIMEDOUT")));
        router.start(cms.baseUrl(), SETTINGS, Map.of());

        JsonNode second = runAtStart(first.path("id").asLong());
        assertThat(second.path("outcome").asText()).as(second.toString()).isEqualTo("succeeded");
        assertThat(second.path("recovered").asInt()).isEqualTo(3);
        assertThat(second.path("duplicates").asInt()).isEqualTo(1);
        for (String uid : List.of("blt0restart0first", "blt0restart0second", "blt0restart0third")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> cached(uid) == 200);
        }
        // one webhook, created once and not rewritten
        cms.verify(1, postRequestedFor(urlPathEqualTo("/v3/webhooks")));
        cms.verify(0, putRequestedFor(urlPathEqualTo("/v3/webhooks/" + HOOK)));
        // the window starts where the first process's run ended (less the two minutes read again)
        assertThat(Instant.parse(second.path("window").path("from").asText()))
                .isEqualTo(Instant.parse(first.path("window").path("to").asText()).minus(Duration.ofMinutes(2)));
        JsonNode executions = router.getJson("/executions");
        assertThat(executions.path("count").asInt()).isEqualTo(4);
        assertThat(router.getJson("/executions?recovered=true").path("count").asInt()).isEqualTo(3);
    }

    /** The run the router made at start (the first after run {@code after}), once it has ended. */
    private JsonNode runAtStart(long after) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> router.getJson("/admin/reconcile").path("runs").path(0),
                        run -> run.path("id").asLong() > after && run.hasNonNull("finished_at"));
    }

    private int cached(String uid) throws Exception {
        return router.status("/cache/entries/article/" + uid + "?environment=production&locale=en-us");
    }
}
