package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /actuator/prometheus, as Prometheus scrapes it with the admin token: the webhooks' answers and ack times, what
 * waits, and Camel's per-route exchanges, moving with what the router did.
 */
@AutoConfigureObservability // Spring Boot's tests leave metrics export off otherwise
class MetricsTest extends RouterHttpTest {
    private static final PurgeTarget PURGE = new PurgeTarget(0);

    @DynamicPropertySource
    static void purgeTarget(DynamicPropertyRegistry registry) {
        PURGE.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopTarget() {
        PURGE.stop();
    }

    @Test
    void theScrapeNeedsTheAdminToken() {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/actuator/prometheus")).GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("management endpoints need Authorization");
    }

    @Test
    void webhooksAreCountedByOutcomeAndTheirAckTimed() {
        String before = scrape();
        String webhook = fixture("entry-update.json");
        String uid = deliver(webhook).path("execution_uid").asText();
        settled(uid);
        assertThat(post("/webhooks/contentstack", "not json", "application/json").statusCode()).isEqualTo(400);

        String after = scrape();
        String accepted = "router_webhooks_received_total{outcome=\"accepted\",source=\"contentstack\",status=\"202\"}";
        String refused = "router_webhooks_received_total{outcome=\"refused\",source=\"contentstack\",status=\"400\"}";
        assertThat(value(after, accepted)).isEqualTo(value(before, accepted) + 1);
        assertThat(value(after, refused)).isEqualTo(value(before, refused) + 1);
        assertThat(after).contains("router_webhooks_ack_seconds_bucket{outcome=\"accepted\",source=\"contentstack\",le=");
        assertThat(value(after, "router_webhooks_ack_seconds_count{outcome=\"accepted\",source=\"contentstack\"}"))
                .isEqualTo(value(before, "router_webhooks_ack_seconds_count{outcome=\"accepted\",source=\"contentstack\"}") + 1);
        // what waits, read from the store
        assertThat(after).contains("router_backlog_executions ", "router_backlog_oldest_age_seconds ",
                "router_retries_scheduled_items ", "router_dead_letters{kind=\"item\"} ",
                "router_dead_letters{kind=\"notification\"} ");
        // Camel's own, per route
        assertThat(after).containsPattern("camel_exchanges_total\\{.*routeId=\"contentstack-ingest\".*\\} [1-9]");
    }

    @Test
    void cmsCallsAreCountedByApiAndStatusAndAppliedItemsByResult() {
        String uid = "blt0metrics0cda1";
        cms.stubFor(cdaEntry(uid).inScenario(uid).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")).willSetStateTo("again"));
        cms.stubFor(cdaEntry(uid).inScenario(uid).whenScenarioStateIs("again").willReturn(entry(uid)));
        String before = scrape();

        JsonNode execution = deliverAndSettle(ContentstackSimulator.concisePublish(uid, Instant.now().toString()));
        assertThat(execution.path("status").asText()).isEqualTo("succeeded");

        String after = scrape();
        for (String status : List.of("429", "200")) {
            String sample = "router_cms_requests_seconds_count{api=\"contentstack-cda\",status=\"" + status + "\"}";
            assertThat(value(after, sample)).as(sample).isEqualTo(value(before, sample) + 1);
        }
        String applied = "router_items_total{action=\"publish\",result=\"succeeded\",type=\"entry\"}";
        assertThat(value(after, applied)).isEqualTo(value(before, applied) + 1);
    }

    @Test
    void eachTargetsStateAndNotificationsAreShown() {
        String delivered = "router_target_notifications_total{outcome=\"delivered\",target=\"purge\"}";
        // what the other tests' publishes notified has gone out: the count moves for this test's alone
        await().atMost(Duration.ofSeconds(20)).until(() -> read(get("/targets/purge").body())
                .path("notifications").path("pending").asLong() == 0);
        String before = scrape();

        // an entry new to the cache: a superseded item would notify nobody
        String uid = "blt0metrics0target";
        cms.stubFor(cdaEntry(uid).willReturn(entry(uid)));
        deliverAndSettle(ContentstackSimulator.concisePublish(uid, Instant.now().toString()));

        String after = await().atMost(Duration.ofSeconds(20)).until(this::scrape,
                now -> value(now, delivered) > value(before, delivered));
        assertThat(value(after, delivered)).isEqualTo(value(before, delivered) + 1);
        assertThat(after).contains("router_target_state{target=\"purge\"} 0.0");
    }

    private static MappingBuilder cdaEntry(String uid) {
        return WireMock.get(urlPathEqualTo("/v3/content_types/article/entries/" + uid));
    }

    private static ResponseDefinitionBuilder entry(String uid) {
        return okJson("{\"entry\": {\"uid\": \"" + uid + "\", \"title\": \"Counted\", \"_version\": 1}}");
    }

    private String scrape() {
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A sample's value in the exposition text, 0 when it is not there yet. */
    private static double value(String exposition, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
