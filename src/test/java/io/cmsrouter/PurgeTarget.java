package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
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
        Map<String, String> environment = new LinkedHashMap<>();
        // channels[0] -> CHANNELS_0, batch-size -> BATCHSIZE, as Spring's relaxed binding reads variables
        settings().forEach((key, value) -> environment.put("ROUTER_TARGETS_0_" + key.toUpperCase(Locale.ROOT)
                .replace("-", "").replace("[", "_").replace("]", ""), value));
        return environment;
    }

    /** The same as router.targets[0].* properties, for a router started in the test's own JVM. */
    Map<String, String> properties() {
        Map<String, String> properties = new LinkedHashMap<>();
        settings().forEach((key, value) -> properties.put("router.targets[0]." + key, value));
        return properties;
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("name", "purge");
        settings.put("url", server.baseUrl() + "/purge");
        settings.put("channels[0]", "content_types.*");
        settings.put("channels[1]", "jobs.*");
        settings.put("secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        settings.put("batch-size", "50");
        return settings;
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
