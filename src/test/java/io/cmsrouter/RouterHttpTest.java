package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The router as a user meets it: the real application on a random port, its routes loaded from routes/, its
 * executions on disk under target/test-data, and Contentstack simulated over HTTP by WireMock.
 */
@CamelSpringBootTest
@SpringBootTest(classes = RouterApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "router.data-dir=target/test-data/${random.uuid}",
                "contentstack.api-key=" + RouterHttpTest.API_KEY,
                "contentstack.management-token=" + RouterHttpTest.MANAGEMENT_TOKEN,
                "contentstack.delivery-token=" + RouterHttpTest.DELIVERY_TOKEN,
                "contentstack.cda-rate=1000",
                "contentstack.cma-rate=1000",
                "router.retry.initial-delay=20",
                "router.retry.max-delay=200",
                "router.retry.max-redeliveries=3",
                // the durable schedule, quickened: a transient failure that outlasts the in-process retries is tried
                // again within a second or two, for two minutes
                "router.retry.schedule.first-delay=500ms",
                "router.retry.schedule.max-delay=2s",
                "router.retry.schedule.horizon=2m",
                "router.retry.schedule.poll-interval=100ms",
                "router.dispatch.sweep-interval=100ms",
                // these tests are about routing; WebhookSecurityTest covers signatures with them on
                "router.security.signature=off",
                // ContentstackWebhookTest and ReconcileTest turn it on; without stubs it would find no webhook
                "router.reconcile.enabled=false",
                "router.admin-token=" + RouterHttpTest.ADMIN_TOKEN
        })
@EnableWireMock(@ConfigureWireMock(name = "contentstack", baseUrlProperties = {"contentstack.cda-url", "contentstack.cma-url"}))
@Tag("database")
@ExtendWith(PostgresAvailable.class)
public abstract class RouterHttpTest {
    public static final String API_KEY = "blt_test_api_key";
    public static final String MANAGEMENT_TOKEN = "cs_test_management_token";
    public static final String DELIVERY_TOKEN = "cs_test_delivery_token";
    public static final String ADMIN_TOKEN = "router_test_admin_token";
    private static final Set<String> SETTLED = Set.of("succeeded", "partial", "failed", "ignored");

    protected final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @InjectWireMock("contentstack")
    protected WireMockServer cms;

    protected ContentstackSimulator stack;

    @BeforeEach
    void simulateStack() {
        stack = new ContentstackSimulator(cms);
    }

    protected String fixture(String name) {
        try (InputStream in = getClass().getResourceAsStream("/webhooks/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("no fixture " + name, e);
        }
    }

    /** POSTs as Contentstack would to the webhook, and as an operator (with the admin token) anywhere else. */
    protected HttpResponse<String> post(String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return send(path.startsWith("/webhooks/") ? request : asOperator(request));
    }

    /** GETs as an operator, with the admin token. */
    protected HttpResponse<String> get(String path) {
        return send(asOperator(HttpRequest.newBuilder(uri(path)).GET()));
    }

    protected static HttpRequest.Builder asOperator(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + ADMIN_TOKEN);
    }

    protected HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Posts a webhook as a new event, expects the 202 ack and returns its body. Tests deliver the same fixtures many
     * times, so each delivery gets a unique top-level marker; without it the router would rightly take a repeat for
     * a redelivery (see DeduplicationTest, which posts raw bodies).
     */
    protected JsonNode deliver(String webhook) {
        ObjectNode event = (ObjectNode) read(webhook);
        event.put("test_delivery", UUID.randomUUID().toString());
        HttpResponse<String> response = post("/webhooks/contentstack", event.toString(), "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return read(response.body());
    }

    /** POSTs the webhooks all at once, each from its own thread, as Contentstack's concurrent deliveries come. */
    protected List<HttpResponse<String>> postAtOnce(List<String> webhooks) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(webhooks.size());
        try {
            List<Callable<HttpResponse<String>>> posts = new ArrayList<>();
            webhooks.forEach(webhook -> posts.add(() -> post("/webhooks/contentstack", webhook, "application/json")));
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> response : senders.invokeAll(posts)) {
                responses.add(response.get());
            }
            return responses;
        } finally {
            senders.shutdown();
        }
    }

    /** Deliveries of one event: exactly one 202, the others 200 duplicates of its execution, whose uid is returned. */
    protected String onlyOneAccepted(List<HttpResponse<String>> responses) {
        Set<String> executions = new HashSet<>();
        int accepted = 0;
        for (HttpResponse<String> response : responses) {
            JsonNode body = read(response.body());
            executions.add(body.path("execution_uid").asText());
            if (response.statusCode() == 202) {
                accepted++;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(body.path("duplicate").asBoolean()).isTrue();
            }
        }
        assertThat(accepted).isEqualTo(1);
        assertThat(executions).hasSize(1);
        return executions.iterator().next();
    }

    /** Delivers a webhook and waits until its execution has settled; returns the execution. */
    protected JsonNode deliverAndSettle(String webhook) {
        return settled(deliver(webhook).path("execution_uid").asText());
    }

    protected JsonNode settled(String executionUid) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> execution(executionUid), e -> SETTLED.contains(e.path("status").asText()));
    }

    /**
     * With ROUTER_TEST_POSTGRES_URL (and _USER, _PASSWORD) set, the router keeps its data in that PostgreSQL
     * database instead of H2, in a schema of its own per application context (as each has its own H2 data dir).
     */
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String url = System.getenv("ROUTER_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            return;
        }
        String schema = "t" + UUID.randomUUID().toString().replace("-", "");
        registry.add("spring.datasource.url", () -> url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> System.getenv().getOrDefault("ROUTER_TEST_POSTGRES_USER", "router"));
        registry.add("spring.datasource.password",
                () -> System.getenv().getOrDefault("ROUTER_TEST_POSTGRES_PASSWORD", "router"));
        // every cached context keeps its pool: shrunk to one connection once idle, within PostgreSQL's 100
        registry.add("spring.datasource.hikari.minimum-idle", () -> "1");
        registry.add("spring.datasource.hikari.idle-timeout", () -> "10s");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.create-schemas", () -> "true");
    }

    /**
     * Reconciliation on, its schedule out of the way: the run at start meets no stubs and is recorded as failed
     * ({@link #awaitRunAtStart}); tests run theirs with POST /admin/reconcile.
     */
    protected static void reconcileWhenAsked(DynamicPropertyRegistry registry) {
        registry.add("router.reconcile.enabled", () -> "true");
        registry.add("router.reconcile.interval", () -> "1h");
    }

    /** Waits until the reconciliation run made at start (when it is on) has ended, so a test's stubs meet its own. */
    protected void awaitRunAtStart() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> read(get("/admin/reconcile").body()),
                        runs -> runs.path("runs").size() > 0 && !runs.path("running").asBoolean());
    }

    protected JsonNode execution(String executionUid) {
        HttpResponse<String> response = get("/executions/" + executionUid);
        assertThat(response.statusCode()).isEqualTo(200);
        return read(response.body());
    }

    protected JsonNode item(JsonNode execution, String uid) {
        for (JsonNode item : execution.path("items")) {
            if (uid.equals(item.path("uid").asText())) {
                return item;
            }
        }
        throw new AssertionError("execution has no item " + uid + ": " + execution.path("items"));
    }

    protected HttpResponse<String> cachedEntry(String contentType, String uid, String environment, String locale) {
        return get("/cache/entries/" + contentType + "/" + uid + "?environment=" + environment + "&locale=" + locale);
    }

    protected HttpResponse<String> cachedAsset(String uid, String environment) {
        return get("/cache/assets/" + uid + "?environment=" + environment);
    }

    /** The strings of a JSON array, in order: an ack's channels. */
    protected static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    protected JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
