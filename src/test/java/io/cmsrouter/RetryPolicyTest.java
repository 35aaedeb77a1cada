package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import com.github.tomakehurst.wiremock.client.WireMock;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** routes/error-policy.camel.yaml: transient failures are retried with backoff, permanent ones are not. */
class RetryPolicyTest extends RouterHttpTest {
    private static final String PATH = "/v3/content_types/article/entries/";

    private String concisePublish(String uid) {
        return fixture("entry-publish-concise.json").replace("blt0entry0concise1", uid);
    }

    private void answers(String uid, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... responses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            String next = "attempt-" + (i + 2);
            cms.stubFor(WireMock.get(urlPathEqualTo(PATH + uid)).inScenario(uid).whenScenarioStateIs(state)
                    .willReturn(responses[i]).willSetStateTo(next));
            state = next;
        }
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder entry(String uid) {
        return okJson("{\"entry\": {\"uid\": \"" + uid + "\", \"title\": \"Recovered\", \"_version\": 2}}");
    }

    @Test
    void serviceUnavailableIsRetriedThenCached() {
        answers("blt0retry0503", aResponse().withStatus(503), entry("blt0retry0503"));

        JsonNode execution = deliverAndSettle(concisePublish("blt0retry0503"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(item(execution, "blt0retry0503").path("attempts").asInt()).isEqualTo(2);
        assertThat(read(cachedEntry("article", "blt0retry0503", "production", "en-us").body()).path("title").asText())
                .isEqualTo("Recovered");
        cms.verify(2, getRequestedFor(urlPathEqualTo(PATH + "blt0retry0503")));
    }

    @Test
    void connectionResetIsRetried() {
        answers("blt0retry0reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                aResponse().withStatus(500), entry("blt0retry0reset"));

        JsonNode execution = deliverAndSettle(concisePublish("blt0retry0reset"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(item(execution, "blt0retry0reset").path("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void missingEntryAnswering422IsNotRetried() {
        cms.stubFor(WireMock.get(urlPathEqualTo(PATH + "blt0missing0422")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error_message\": \"The requested object doesn't exist.\", \"error_code\": 141,"
                        + " \"errors\": {\"uid\": [\"is not valid.\"]}}")));

        JsonNode execution = deliverAndSettle(concisePublish("blt0missing0422"));

        assertThat(execution.path("status").asText()).isEqualTo("failed");
        JsonNode item = item(execution, "blt0missing0422");
        assertThat(item.path("status").asText()).isEqualTo("failed");
        assertThat(item.path("attempts").asInt()).isEqualTo(1);
        assertThat(item.path("error").asText()).contains("HTTP 422").contains("error_code");
        cms.verify(1, getRequestedFor(urlPathEqualTo(PATH + "blt0missing0422")));
    }

    @Test
    void notFoundIsNotRetried() {
        cms.stubFor(WireMock.get(urlPathEqualTo(PATH + "blt0missing0404")).willReturn(aResponse().withStatus(404)));

        JsonNode execution = deliverAndSettle(concisePublish("blt0missing0404"));

        assertThat(item(execution, "blt0missing0404").path("attempts").asInt()).isEqualTo(1);
        cms.verify(1, getRequestedFor(urlPathEqualTo(PATH + "blt0missing0404")));
    }

    @Test
    void tooManyRequestsWaitsForRetryAfter() {
        answers("blt0retry0429", aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withHeader("X-RateLimit-Limit", "100").withHeader("X-RateLimit-Remaining", "0"), entry("blt0retry0429"));

        JsonNode execution = deliverAndSettle(concisePublish("blt0retry0429"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(item(execution, "blt0retry0429").path("attempts").asInt()).isEqualTo(2);
        List<ServeEvent> calls = cms.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(PATH + "blt0retry0429"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        assertThat(calls).as(execution.toString()).hasSize(2);
        long waitedMillis = calls.get(1).getRequest().getLoggedDate().getTime()
                - calls.get(0).getRequest().getLoggedDate().getTime();
        // the configured backoff starts at 20 ms in tests; only Retry-After explains a wait of a second
        assertThat(waitedMillis).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void exhaustedInProcessRetriesScheduleTheItemOnDisk() {
        cms.stubFor(WireMock.get(urlPathEqualTo(PATH + "blt0always0500")).willReturn(aResponse().withStatus(500)));

        String uid = deliver(concisePublish("blt0always0500")).path("execution_uid").asText();
        JsonNode execution = await().until(() -> execution(uid), e -> "retrying".equals(e.path("status").asText()));

        // not a dead letter: in flight until its schedule ends (DurableRetryTest follows one to its end)
        assertThat(execution.path("status_code").asInt()).isEqualTo(202);
        JsonNode item = item(execution, "blt0always0500");
        assertThat(item.path("status").asText()).isEqualTo("pending");
        assertThat(item.path("error").asText()).contains("HTTP 500");
        assertThat(item.path("next_attempt_at").asText()).isNotEmpty();
        // each round is the first attempt and 3 in-process retries, every one of them counted
        assertThat(item.path("attempts").asInt()).isPositive().isEqualTo(4 * (item.path("attempts").asInt() / 4));

        // the CDA recovers: the next scheduled round applies the item, and no retry is left running for other tests
        cms.stubFor(WireMock.get(urlPathEqualTo(PATH + "blt0always0500")).willReturn(entry("blt0always0500")));
        assertThat(settled(uid).path("status").asText()).isEqualTo("succeeded");
    }
}
