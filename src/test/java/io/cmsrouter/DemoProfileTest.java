package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.demo.DemoCatalogue;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo profile as a new user meets it: no stack, no WireMock; the router's own simulated Contentstack
 * (io.cmsrouter.demo) answers its CMA and CDA calls, and its receiver is the downstream target. The port is fixed
 * before the start because the profile wires the router's URLs to it.
 */
@CamelSpringBootTest
@SpringBootTest(classes = RouterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {
                "router.data-dir=target/test-data/${random.uuid}",
                // 44 items in pages of 10: the simulator's paging and total_count are read as Contentstack's are
                "router.fanout.page-size=10",
                "router.dispatch.sweep-interval=100ms"
        })
@ActiveProfiles("demo")
class DemoProfileTest {
    private static final int PORT = freePort();
    private static final int CATALOGUE = 44;
    private static final Set<String> SETTLED = Set.of("succeeded", "partial", "failed", "ignored");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    @Test
    void theExampleBulkJobRunsEndToEnd() throws Exception {
        String execution = accepted(Files.readString(Path.of("examples/job-publish-completed.json")));

        JsonNode settled = settled(execution);
        assertThat(settled.path("status").asText()).as(settled.toString()).isEqualTo("succeeded");
        assertThat(settled.path("summary").path("succeeded").asInt()).isEqualTo(CATALOGUE);
        assertThat(settled.path("pages").path("done").asInt()).isEqualTo(5);
        assertThat(settled.path("items")).hasSize(CATALOGUE)
                .allSatisfy(item -> assertThat(item.path("status").asText()).isEqualTo("succeeded"));

        JsonNode entry = read(get("/cache/entries/article/" + DemoCatalogue.entryUid(7)
                + "?environment=production&locale=en-us"), 200);
        assertThat(entry.path("title").asText()).isEqualTo("Demo article 7");
        assertThat(entry.path("publish_details").path("environment").asText()).isEqualTo(DemoCatalogue.PRODUCTION);
        assertThat(read(get("/cache/assets/" + DemoCatalogue.assetUid(2) + "?environment=production"), 200)
                .path("filename").asText()).isEqualTo("demo-image-2.png");

        List<JsonNode> told = receivedFor(execution, CATALOGUE);
        assertThat(told).allSatisfy(n -> {
            assertThat(n.path("verified").asBoolean()).isTrue();
            assertThat(n.path("notification").path("event").asText()).isEqualTo("publish");
            assertThat(n.path("notification").path("job_id").asText()).isEqualTo("00906443-2ba3-420e-a3bd-2b6b4cd7c5745");
        });
    }

    @Test
    void anUnpublishJobEvictsWhatAPublishJobCached() throws Exception {
        String publish = accepted(publishJobWebhook(UUID.randomUUID().toString()));
        assertThat(settled(publish).path("status").asText()).isEqualTo("succeeded");
        String entryPath = "/cache/entries/article/" + DemoCatalogue.entryUid(40) + "?environment=production&locale=en-us";
        read(get(entryPath), 200);

        // the example's job id starts with "unpublish", which the simulator answers as an unpublish of everything
        String unpublish = accepted(Files.readString(Path.of("examples/job-unpublish-completed.json")));
        JsonNode settled = settled(unpublish);
        assertThat(settled.path("status").asText()).as(settled.toString()).isEqualTo("succeeded");
        assertThat(settled.path("items")).hasSize(CATALOGUE)
                .allSatisfy(item -> assertThat(item.path("action").asText()).isEqualTo("unpublish"));
        read(get(entryPath), 404);
        read(get("/cache/assets/" + DemoCatalogue.assetUid(4) + "?environment=production"), 404);
        assertThat(receivedFor(unpublish, CATALOGUE)).allSatisfy(n ->
                assertThat(n.path("notification").path("event").asText()).isEqualTo("unpublish"));
    }

    @Test
    void theSimulatedStackChecksCredentialsAsContentstackDoes() throws Exception {
        String environments = "/demo/contentstack/cma/v3/environments";
        assertThat(read(send(HttpRequest.newBuilder(uri(environments))), 412).path("errors").has("api_key")).isTrue();
        assertThat(read(send(HttpRequest.newBuilder(uri(environments)).header("api_key", "blt0demo0api0key")
                .header("authorization", "cs_wrong")), 401).path("error_code").asInt()).isEqualTo(105);
        assertThat(read(send(HttpRequest.newBuilder(uri(environments)).header("api_key", "blt0demo0api0key")
                .header("authorization", "cs0demo0management0token")), 200).path("environments")
                .findValuesAsText("name")).containsExactly("production", "staging");

        HttpRequest.Builder missing = HttpRequest.newBuilder(uri("/demo/contentstack/cdn/v3/content_types/article/entries/"
                + DemoCatalogue.entryUid(41) + "?environment=production&locale=en-us"))
                .header("api_key", "blt0demo0api0key").header("access_token", "cs0demo0delivery0token");
        assertThat(read(send(missing), 422).path("error_code").asInt()).isEqualTo(141);
    }

    @Test
    void theReceiverRefusesANotificationItCannotVerify() throws Exception {
        HttpResponse<String> forged = send(HttpRequest.newBuilder(uri("/demo/receiver"))
                .header("Content-Type", "application/json").header("webhook-id", "msg_forged")
                .header("webhook-timestamp", String.valueOf(Instant.now().getEpochSecond()))
                .header("webhook-signature", "v1,bm90IGEgc2lnbmF0dXJl")
                .POST(HttpRequest.BodyPublishers.ofString("{\"items\": []}")));
        assertThat(read(forged, 401).path("error").asText()).contains("does not match");
        // found by its id: another test's notifications may arrive meanwhile
        JsonNode listed = null;
        for (JsonNode notification : read(get("/demo/receiver"), 200).path("notifications")) {
            if (notification.path("webhook_id").asText().equals("msg_forged")) {
                listed = notification;
            }
        }
        assertThat(listed).as("the forged notification in the receiver's list").isNotNull();
        assertThat(listed.path("verified").asBoolean()).isFalse();
    }

    /** The notifications the receiver verified for an execution, once they name {@code items} items in all. */
    private List<JsonNode> receivedFor(String execution, int items) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<JsonNode> found = new ArrayList<>();
            read(get("/demo/receiver"), 200).path("notifications").forEach(n -> {
                if (execution.equals(n.path("notification").path("execution_uid").asText())) {
                    found.add(n);
                }
            });
            return found;
        }, found -> found.stream().mapToInt(n -> n.path("notification").path("items").size()).sum() == items);
    }

    private static String publishJobWebhook(String jobId) {
        return "{\"module\": \"jobs\", \"api_key\": \"blt0demo0api0key\", \"event\": \"publish.completed\","
                + " \"triggered_at\": \"" + Instant.now() + "\", \"data\": {\"job_id\": \"" + jobId + "\","
                + " \"environment\": {\"name\": \"production\"}, \"summary\": {\"success\": " + CATALOGUE + "}}}";
    }

    private String accepted(String webhook) throws IOException, InterruptedException {
        HttpResponse<String> ack = send(HttpRequest.newBuilder(uri("/webhooks/contentstack"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(webhook)));
        return read(ack, 202).path("execution_uid").asText();
    }

    private JsonNode settled(String execution) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> read(get("/executions/" + execution), 200), e -> SETTLED.contains(e.path("status").asText()));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode read(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + PORT + path);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
