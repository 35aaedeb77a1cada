package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Redeliveries are processed once; events for the same item end in the newest event's state, whatever the order. */
class OnceAndInOrderTest extends RouterHttpTest {

    private String publish(String uid, int version, String triggeredAt) {
        return fixture("entry-publish-concise.json").replace("blt0entry0concise1", uid)
                .replace("\"_version\": 7", "\"_version\": " + version)
                .replace("2026-03-25T10:00:00.000Z", triggeredAt);
    }

    private String fullPublish(String uid, int version, String title, String triggeredAt) {
        return publish(uid, version, triggeredAt).replace("\"title\": \"Concise\"",
                "\"title\": \"" + title + "\", \"url\": \"/" + uid + "\"");
    }

    private String unpublish(String uid, int version, String triggeredAt) {
        return publish(uid, version, triggeredAt).replace("\"event\": \"publish\"", "\"event\": \"unpublish\"")
                .replace("\"action\": \"publish\"", "\"action\": \"unpublish\"");
    }

    @Test
    void sameEventDeliveredTwentyTimesConcurrentlyIsProcessedOnce() throws Exception {
        String webhook = publish("blt0storm0entry1", 7, "2026-03-25T10:00:00.000Z");
        List<String> redeliveries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // each redelivery carries a fresh triggered_at, as Contentstack's do
            redeliveries.add(webhook.replace("2026-03-25T10:00:00.000Z", "2026-03-25T10:00:" + String.format("%02d", i) + ".000Z"));
        }

        String uid = onlyOneAccepted(postAtOnce(redeliveries));

        assertThat(settled(uid).path("status").asText()).isEqualTo("succeeded");
        cms.verify(1, getRequestedFor(urlPathEqualTo("/v3/content_types/article/entries/blt0storm0entry1")));
    }

    @Test
    void redeliveryAfterProcessingIsAcknowledgedWithTheFirstExecution() {
        String webhook = publish("blt0redeliver01", 7, "2026-03-25T10:00:00.000Z");
        HttpResponse<String> first = post("/webhooks/contentstack", webhook, "application/json");
        String uid = read(first.body()).path("execution_uid").asText();
        settled(uid);

        HttpResponse<String> again = post("/webhooks/contentstack",
                webhook.replace("2026-03-25T10:00:00.000Z", "2026-03-25T10:05:00.000Z"), "application/json");

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(read(again.body()).path("execution_uid").asText()).isEqualTo(uid);
        assertThat(read(again.body()).path("duplicate").asBoolean()).isTrue();
        cms.verify(1, getRequestedFor(urlPathEqualTo("/v3/content_types/article/entries/blt0redeliver01")));
    }

    @Test
    void unpublishArrivingBeforeAnOlderPublishLeavesTheItemEvicted() {
        deliverAndSettle(fullPublish("blt0order0entry1", 5, "First", "2026-03-25T10:00:00.000Z"));

        JsonNode unpublished = deliverAndSettle(unpublish("blt0order0entry1", 5, "2026-03-25T10:10:00.000Z"));
        // the publish Contentstack sent before the unpublish arrives last
        JsonNode latePublish = deliverAndSettle(fullPublish("blt0order0entry1", 5, "Late", "2026-03-25T10:05:00.000Z"));

        assertThat(item(unpublished, "blt0order0entry1").path("status").asText()).isEqualTo("succeeded");
        assertThat(item(latePublish, "blt0order0entry1").path("status").asText()).isEqualTo("superseded");
        assertThat(cachedEntry("article", "blt0order0entry1", "production", "en-us").statusCode()).isEqualTo(404);
    }

    @Test
    void newerVersionArrivingFirstIsKept() {
        deliverAndSettle(fullPublish("blt0order0entry2", 6, "Version six", "2026-03-25T10:06:00.000Z"));
        deliverAndSettle(fullPublish("blt0order0entry2", 5, "Version five", "2026-03-25T10:07:00.000Z"));

        JsonNode cached = read(cachedEntry("article", "blt0order0entry2", "production", "en-us").body());
        assertThat(cached.path("title").asText()).isEqualTo("Version six");
        assertThat(cached.path("_version").asInt()).isEqualTo(6);
    }

    @Test
    void republishAfterUnpublishIsCachedAgain() {
        deliverAndSettle(fullPublish("blt0order0entry3", 2, "Before", "2026-03-25T10:00:00.000Z"));
        deliverAndSettle(unpublish("blt0order0entry3", 2, "2026-03-25T10:01:00.000Z"));
        deliverAndSettle(fullPublish("blt0order0entry3", 3, "After", "2026-03-25T10:02:00.000Z"));

        assertThat(read(cachedEntry("article", "blt0order0entry3", "production", "en-us").body()).path("title").asText())
                .isEqualTo("After");
    }

    @Test
    void sameVersionPublishedAgainAfterAnUnpublishIsNotTakenForARedelivery() {
        String publish = fullPublish("blt0again0entry1", 4, "Again", "2026-03-25T10:00:00.000Z");
        post("/webhooks/contentstack", publish, "application/json");
        HttpResponse<String> unpublished = post("/webhooks/contentstack",
                unpublish("blt0again0entry1", 4, "2026-03-25T10:01:00.000Z"), "application/json");
        settled(read(unpublished.body()).path("execution_uid").asText());

        // the editor publishes the same version again: same payload as the first, a later triggered_at
        HttpResponse<String> republished = post("/webhooks/contentstack",
                publish.replace("2026-03-25T10:00:00.000Z", "2026-03-25T10:02:00.000Z"), "application/json");

        assertThat(republished.statusCode()).as(republished.body()).isEqualTo(202);
        settled(read(republished.body()).path("execution_uid").asText());
        assertThat(cachedEntry("article", "blt0again0entry1", "production", "en-us").statusCode()).isEqualTo(200);
    }

    @Test
    void deleteOutranksAnOlderPublishInAnEnvironmentNeverCached() {
        deliverAndSettle("{\"module\": \"entry\", \"event\": \"delete\", \"api_key\": \"blt1\","
                + " \"triggered_at\": \"2026-03-25T10:10:00.000Z\", \"data\": {\"entry\": {\"uid\": \"blt0deleted0entry\"},"
                + " \"content_type\": {\"uid\": \"article\"}}}");

        JsonNode late = deliverAndSettle(fullPublish("blt0deleted0entry", 3, "Gone", "2026-03-25T10:05:00.000Z"));

        assertThat(item(late, "blt0deleted0entry").path("status").asText()).isEqualTo("superseded");
        assertThat(cachedEntry("article", "blt0deleted0entry", "production", "en-us").statusCode()).isEqualTo(404);
    }
}
