package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.cmsrouter.ContentstackSimulator.jobEntry;
import static io.cmsrouter.ContentstackSimulator.jobWebhook;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan-out stays within contentstack.cda-rate requests per second and router.fanout.concurrency requests in
 * flight, as measured by the simulated CDA from the requests it received.
 */
@TestPropertySource(properties = {"contentstack.cda-rate=20", "router.fanout.concurrency=4"})
class FanoutLimitsTest extends RouterHttpTest {

    @Test
    void deliveryRequestsStayUnderTheRateCeiling() {
        runJob("job-rate", 60);

        List<Long> arrivals = cdaRequests().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        assertThat(arrivals).hasSize(60);
        // a sliding window under a second leaves room for the delay between throttle and server on a busy machine
        // (seen up to ~100 ms on 2 loaded cores); without the ceiling all 60 would arrive within a few milliseconds
        int busiestWindow = 0;
        for (int first = 0, last = 0; last < arrivals.size(); last++) {
            while (arrivals.get(last) - arrivals.get(first) >= 800) {
                first++;
            }
            busiestWindow = Math.max(busiestWindow, last - first + 1);
        }
        assertThat(busiestWindow).isLessThanOrEqualTo(20);
    }

    @Test
    void deliveryRequestsInFlightStayWithinTheFanoutConcurrency() {
        cms.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/v3/content_types/.*"))
                .atPriority(1).willReturn(aResponse().withFixedDelay(300).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"entry\": {\"uid\": \"{{request.pathSegments.[4]}}\", \"_version\": 1}}")));

        runJob("job-concurrency", 20);

        List<long[]> spans = new ArrayList<>();
        for (ServeEvent e : cdaRequests()) {
            long start = e.getRequest().getLoggedDate().getTime();
            spans.add(new long[] {start, +1});
            spans.add(new long[] {start + e.getTiming().getTotalTime(), -1});
        }
        // ends before starts at the same millisecond: a finished request frees its slot
        spans.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int inFlight = 0;
        int most = 0;
        for (long[] span : spans) {
            inFlight += (int) span[1];
            most = Math.max(most, inFlight);
        }
        assertThat(most).isBetween(2, 4);
    }

    private void runJob(String jobId, int items) {
        List<ObjectNode> entries = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            entries.add(jobEntry(jobId + "-entry-" + i, "article", "en-us", "blt0env0production", "success"));
        }
        stack.job(jobId, "publish", entries, 100, "total_count");
        JsonNode execution = settled(deliver(jobWebhook(jobId, "publish")).path("execution_uid").asText());
        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("summary").path("succeeded").asInt()).as(execution.path("summary").toString()).isEqualTo(items);
    }

    private List<ServeEvent> cdaRequests() {
        return cms.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/v3/content_types/")).toList();
    }
}
