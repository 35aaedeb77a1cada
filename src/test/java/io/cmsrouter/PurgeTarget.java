package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A downstream target for the tests with packaged routers: WireMock answering 204 on /purge, configured on the router
 * through ROUTER_TARGETS_0_* environment variables, the way a deployment adds one without editing files.
 */
final class PurgeTarget {
    private final ObjectMapper json = new ObjectMapper();
    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    PurgeTarget(int latencyMillis) {
        server.start();
        server.setGlobalFixedDelay(latencyMillis);
        server.stubFor(post("/purge").willReturn(aResponse().withStatus(204)));
    }

    /** The router's environment that subscribes this target to entries, assets and jobs. */
    Map<String, String> environment() {
        return Map.of(
                "ROUTER_TARGETS_0_NAME", "purge",
                "ROUTER_TARGETS_0_URL", server.baseUrl() + "/purge",
                "ROUTER_TARGETS_0_CHANNELS_0", "content_types.*",
                "ROUTER_TARGETS_0_CHANNELS_1", "jobs.*",
                "ROUTER_TARGETS_0_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "ROUTER_TARGETS_0_BATCHSIZE", "50");
    }

    /** (execution, item) pairs the target has been told of. */
    Set<String> notified() {
        Set<String> pairs = new HashSet<>();
        for (ServeEvent event : server.getAllServeEvents()) {
            JsonNode notification = read(event.getRequest().getBodyAsString());
            notification.path("items").forEach(item ->
                    pairs.add(notification.path("execution_uid").asText() + "|" + item.path("uid").asText()));
        }
        return pairs;
    }

    /** How many requests carried each Standard Webhooks webhook-id. */
    Map<String, Long> requestsPerWebhookId() {
        return server.getAllServeEvents().stream().collect(Collectors.groupingBy(
                e -> e.getRequest().getHeader("webhook-id"), Collectors.counting()));
    }

    void stop() {
        server.stop();
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
