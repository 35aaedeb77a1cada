package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * Contentstack's webhook management API over HTTP, in seed 004's shapes: the list of webhooks, create and update
 * (answered with the webhook, secrets masked), the executions of a webhook in pages of 100 by skip, newest first,
 * and "Retry a webhook". What the router writes is listed once the test says Contentstack has stored it
 * ({@link #keepWritten}). Requests must carry the stack's management credentials.
 */
final class ContentstackWebhookApi {
    static final String MASK = "********";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer cms;
    private final String uid;
    private Instant createdAt = Instant.now();

    /** The stack's API; a webhook the router creates gets {@code uid}. */
    ContentstackWebhookApi(WireMockServer cms, String uid) {
        this.cms = cms;
        this.uid = uid;
    }

    /**
     * {@code GET /v3/webhooks} lists these, without the fields seed 004's list leaves out (branches, unhealthy);
     * {@code GET /v3/webhooks/{uid}} answers each in full.
     */
    void lists(JsonNode... webhooks) {
        ArrayNode list = NODES.arrayNode();
        for (JsonNode webhook : webhooks) {
            ObjectNode listed = webhook.deepCopy();
            listed.remove(List.of("branches", "unhealthy"));
            list.add(listed);
            cms.stubFor(get(urlPathEqualTo("/v3/webhooks/" + webhook.path("uid").asText()))
                    .withHeader("api_key", equalTo(RouterHttpTest.API_KEY))
                    .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                    .willReturn(okJson(NODES.objectNode().set("webhook", webhook).toString())));
        }
        cms.stubFor(get(urlPathEqualTo("/v3/webhooks"))
                .withHeader("api_key", equalTo(RouterHttpTest.API_KEY))
                .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                .willReturn(okJson(NODES.objectNode().<ObjectNode>set("webhooks", list).toString())));
    }

    /** Create and update are answered as Contentstack does: the webhook, its uid, its secrets masked. */
    void acceptsWrites() {
        cms.stubFor(post(urlPathEqualTo("/v3/webhooks"))
                .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(answer("The webhook was created successfully"))));
        cms.stubFor(put(urlPathEqualTo("/v3/webhooks/" + uid))
                .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                .willReturn(okJson(answer("The Webhook was updated successfully"))));
    }

    private String answer(String notice) {
        return NODES.objectNode().put("notice", notice).set("webhook", NODES.objectNode().put("uid", uid)
                .put("name", "cms-webhook-router").put("created_at", createdAt.toString())).toString();
    }

    /**
     * Contentstack has stored the router's last create or update: the list now has it as Contentstack answers it,
     * uid and dates added, secrets masked. Returns it.
     */
    ObjectNode keepWritten() {
        List<LoggedRequest> writes = new ArrayList<>(cms.findAll(postRequestedFor(urlPathEqualTo("/v3/webhooks"))));
        writes.addAll(cms.findAll(putRequestedFor(urlPathEqualTo("/v3/webhooks/" + uid))));
        LoggedRequest last = writes.stream().max(Comparator.comparing(LoggedRequest::getLoggedDate))
                .orElseThrow(() -> new AssertionError("the router wrote no webhook"));
        ObjectNode webhook = (ObjectNode) read(last.getBodyAsString()).path("webhook");
        webhook.put("uid", uid).put("created_at", createdAt.toString()).put("updated_at", Instant.now().toString())
                .put("org_uid", "blt0org").putObject("unhealthy").put("state", false);
        for (JsonNode destination : webhook.path("destinations")) {
            for (String secret : List.of("http_basic_password", "bearer_token")) {
                if (destination.has(secret)) {
                    ((ObjectNode) destination).put(secret, MASK);
                }
            }
        }
        lists(webhook);
        return webhook;
    }

    /** The webhook was created at this time (what the first reconciliation reads from). */
    void createdAt(Instant createdAt) {
        this.createdAt = createdAt;
    }

    /**
     * {@code GET /v3/webhooks/{uid}/executions}: these executions, newest first, in pages of 100 by skip (Contentstack
     * returns at most 100 and pages older records with skip).
     */
    void executions(List<ObjectNode> executions) {
        List<ObjectNode> newestFirst = new ArrayList<>(executions);
        newestFirst.sort(Comparator.comparing((ObjectNode e) -> e.path("created_at").asText()).reversed());
        for (int skip = 0; skip <= newestFirst.size(); skip += 100) {
            ArrayNode page = NODES.arrayNode();
            newestFirst.subList(skip, Math.min(skip + 100, newestFirst.size())).forEach(page::add);
            cms.stubFor(get(urlPathEqualTo("/v3/webhooks/" + uid + "/executions"))
                    .withQueryParam("skip", equalTo(String.valueOf(skip)))
                    .withQueryParam("limit", equalTo("100"))
                    .withHeader("api_key", equalTo(RouterHttpTest.API_KEY))
                    .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                    .willReturn(okJson(NODES.objectNode().set("webhooks", page).toString())));
        }
    }

    /** {@code POST /v3/webhooks/{execution_uid}/retry}. */
    void acceptsRetries() {
        cms.stubFor(post(urlPathMatching("/v3/webhooks/[^/]+/retry"))
                .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                .willReturn(okJson("{\"notice\": \"Webhook retry scheduled\"}")));
    }

    /** {@code POST /v3/webhooks/{execution_uid}/retry} is refused with this status. */
    void refusesRetries(int status) {
        cms.stubFor(post(urlPathMatching("/v3/webhooks/[^/]+/retry"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody("{\"error_message\": \"The webhook is still retrying\", \"error_code\": 422}")));
    }

    /** Every webhook API request fails with this status (an outage, or a revoked token). */
    void failsWith(int status) {
        cms.stubFor(get(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody("{\"error_message\": \"unavailable\"}")));
    }

    /** A webhook made by someone else in the stack. */
    static ObjectNode otherWebhook() {
        ObjectNode webhook = NODES.objectNode().put("name", "Search indexer").put("uid", "cs0other0hook")
                .put("retry_policy", "manual").put("disabled", false).put("concise_payload", true)
                .put("created_at", "2024-07-11T06:09:00.827Z");
        webhook.putArray("destinations").addObject().put("target_url", "https://search.example.com/hook")
                .put("authentication_type", "None");
        webhook.putArray("channels").add("assets.create");
        return webhook;
    }

    /** A full-payload entry publish, as Contentstack sends it (examples/entry-publish.json's shape). */
    static ObjectNode entryPublish(String entryUid, String title, int version, Instant triggeredAt) {
        ObjectNode event = NODES.objectNode().put("module", "entry").put("api_key", RouterHttpTest.API_KEY);
        ObjectNode data = event.putObject("data");
        ObjectNode entry = data.putObject("entry").put("title", title).put("locale", "en-us").put("uid", entryUid)
                .put("_version", version).put("updated_at", triggeredAt.toString());
        entry.putArray("publish_details").addObject().put("environment", "blt0env0production").put("locale", "en-us")
                .put("time", triggeredAt.toString()).put("version", version);
        data.putObject("content_type").put("uid", "article").put("title", "Article");
        data.putObject("environment").put("name", "production").put("uid", "blt0env0production");
        data.put("action", "publish").put("status", "success").put("locale", "en-us");
        data.putObject("branch").put("uid", "main").put("source", "").putArray("alias");
        return event.put("event", "publish").put("triggered_at", triggeredAt.toString());
    }

    /** The unpublish of that entry, as Contentstack sends it (examples/entry-unpublish.json's shape). */
    static ObjectNode entryUnpublish(String entryUid, int version, Instant triggeredAt) {
        ObjectNode event = entryPublish(entryUid, "", version, triggeredAt).put("event", "unpublish");
        ((ObjectNode) event.path("data")).put("action", "unpublish");
        return event;
    }

    /**
     * An execution of the router's webhook as "Get executions of a webhook" lists it: the event (event_data without
     * triggered_at; the attempt's body with it), the headers it was sent with, its first attempt and the answer:
     * {@code status} null is a connection that failed ({@code code}, e.g. ECONNRESET), else the HTTP status.
     */
    static ObjectNode loggedExecution(String executionUid, String webhookUid, ObjectNode event, Integer status, String code) {
        Instant sentAt = Instant.parse(event.path("triggered_at").asText());
        ObjectNode eventData = event.deepCopy();
        eventData.remove("triggered_at");
        ObjectNode execution = NODES.objectNode().put("uid", executionUid);
        execution.putArray("channel").add("content_types.entries.publish")
                .add("content_types.article.entries.environments.production.publish.success");
        execution.put("created_at", sentAt.plusSeconds(10).toString()).set("event_data", eventData);
        ObjectNode headers = execution.putObject("event_headers").put("Content-Type", "application/json")
                .put("User-Agent", "Contentstack").put("X-Contentstack-Signature", "75e9068f3ca4e2ef7cdbfbb2480822f5f6473ac5")
                .put("X-Contentstack-Request-Signature", "v1=n9uHP1hmYcBz82h5imH3");
        headers.putNull("Authorization");
        execution.put("org_uid", "blt0org");
        ObjectNode attempt = execution.putArray("request_details").addObject().put("_id", "cs" + executionUid)
                .put("retry_number", 0);
        attempt.putObject("request").put("method", "POST").put("uri", "https://router.example.com/webhooks/contentstack")
                .<ObjectNode>set("body", event.deepCopy()).set("headers", headers.deepCopy());
        ObjectNode response = attempt.putObject("response");
        if (status == null) {
            response.put("message", "read " + code).putNull("statusCode").put("code", code).putNull("body")
                    .putNull("headers");
        } else {
            response.put("message", "Request failed with status code " + status).put("statusCode", status)
                    .put("code", status >= 400 ? "ERR_BAD_RESPONSE" : "OK").put("body", "");
        }
        attempt.put("created_at", sentAt.plusSeconds(10).toString());
        execution.put("retry_count", status != null && status < 400 ? 0 : 3);
        if (status == null) {
            execution.putNull("status");
        } else {
            execution.put("status", status);
        }
        execution.put("updated_at", sentAt.plusSeconds(790).toString());
        execution.putArray("webhooks").add(webhookUid);
        return execution.put("projectUid", "blt0project").set("destination", NODES.objectNode());
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
