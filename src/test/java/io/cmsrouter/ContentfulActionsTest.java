package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contentful's action events through HTTP: bulk actions, release actions and scheduled actions that succeeded are
 * applied entity by entity, in every locale of the space; one that failed applies nothing and says why.
 */
class ContentfulActionsTest extends ContentfulHttpTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @BeforeEach
    void simulateSpace() {
        simulateContentfulDelivery();
    }

    /** Links to entries and assets, as a bulk action's payload and a release list them. */
    private static ArrayNode links(String prefix, int entries, int assets) {
        ArrayNode items = NODES.arrayNode();
        for (int i = 0; i < entries + assets; i++) {
            items.addObject().putObject("sys").put("type", "Link").put("linkType", i < entries ? "Entry" : "Asset")
                    .put("id", prefix + (i < entries ? "Entry" : "Asset") + i);
        }
        return items;
    }

    private void release(String id, ArrayNode entities) {
        ObjectNode release = NODES.objectNode();
        release.putObject("sys").put("type", "Release").put("id", id);
        release.putObject("entities").put("sys", "Array").set("items", entities);
        cms.stubFor(WireMock.get(urlPathEqualTo("/spaces/" + SPACE + "/environments/master/releases/" + id))
                .withHeader("Authorization", equalTo("Bearer " + MANAGEMENT_TOKEN))
                .willReturn(okJson(release.toString())));
    }

    private Delivery action(String type, String id, String action, String status) {
        Delivery d = new Delivery("ContentManagement." + type + ".execute", type, id).withoutFields();
        ((ObjectNode) d.payload.path("sys")).put("status", status);
        d.payload.put("action", action);
        return d;
    }

    /** A release action that succeeded: it names its release, whose entities the router reads from the CMA. */
    private Delivery releaseAction(String id, String action, String releaseId) {
        Delivery d = action("ReleaseAction", id, action, "succeeded");
        ((ObjectNode) d.payload.path("sys")).putObject("release").putObject("sys").put("type", "Link")
                .put("linkType", "Release").put("id", releaseId);
        return d;
    }

    private List<Integer> cached(String kind, String id) {
        return List.of(cachedContentful(kind, id, "?locale=en-US").statusCode(),
                cachedContentful(kind, id, "?locale=de-DE").statusCode());
    }

    @Test
    void aBulkPublishOf150EntitiesIsCachedEntirelyInEveryLocale() throws Exception {
        Delivery bulk = action("BulkAction", "bulkPub150", "publish", "succeeded");
        bulk.payload.putObject("payload").putObject("entities").set("items", links("bulk", 100, 50));

        JsonNode execution = run(bulk);

        assertThat(execution.path("status").asText()).as(execution.path("error").asText()).isEqualTo("succeeded");
        assertThat(execution.path("summary").path("succeeded").asInt()).isEqualTo(300);
        assertThat(cached("entries", "bulkEntry0")).containsExactly(200, 200);
        assertThat(cached("entries", "bulkEntry99")).containsExactly(200, 200);
        assertThat(cached("assets", "bulkAsset149")).containsExactly(200, 200);
        // the entries' content type came from the CDA, so its delete finds them
        run(new Delivery("ContentManagement.ContentType.delete", "ContentType", "served_type").withoutFields());
        assertThat(cached("entries", "bulkEntry0")).containsExactly(404, 404);
        assertThat(cached("assets", "bulkAsset149")).containsExactly(200, 200);
    }

    @Test
    void aReleaseUnpublishEvictsItsEntities() throws Exception {
        release("relUnpub", links("relUnpub", 2, 1));
        assertThat(run(releaseAction("relActionPub", "publish", "relUnpub")).path("status").asText())
                .isEqualTo("succeeded");
        assertThat(cached("entries", "relUnpubEntry1")).containsExactly(200, 200);

        JsonNode execution = run(releaseAction("relActionUnpub", "unpublish", "relUnpub"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cached("entries", "relUnpubEntry0")).containsExactly(404, 404);
        assertThat(cached("assets", "relUnpubAsset2")).containsExactly(404, 404);
    }

    @Test
    void aScheduledPublishOfAReleaseFansOut() throws Exception {
        release("relScheduled", links("relSched", 3, 0));
        Delivery scheduled = action("ScheduledAction", "schedPub", "publish", "succeeded");
        scheduled.payload.putObject("entity").putObject("sys").put("type", "Link").put("linkType", "Release")
                .put("id", "relScheduled");

        JsonNode execution = run(scheduled);

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("summary").path("succeeded").asInt()).isEqualTo(6);
        assertThat(cached("entries", "relSchedEntry2")).containsExactly(200, 200);
    }

    @Test
    void aFailedBulkActionAppliesNothingAndSaysWhy() throws Exception {
        Delivery bulk = action("BulkAction", "bulkFailed", "publish", "failed");
        bulk.payload.putObject("payload").putObject("entities").set("items", links("failed", 1, 0));
        ObjectNode error = bulk.payload.putObject("error");
        error.putObject("sys").put("type", "Error").put("id", "BulkActionFailed");
        ObjectNode detail = error.putObject("details").putArray("errors").addObject();
        detail.putObject("entity").putObject("sys").put("id", "failedEntry0");
        detail.putObject("error").putObject("sys").put("id", "UnresolvedLinks");

        JsonNode execution = run(bulk);

        assertThat(execution.path("status").asText()).isEqualTo("failed");
        assertThat(execution.path("error").asText()).contains("BulkAction bulkFailed failed: failedEntry0 UnresolvedLinks");
        assertThat(cached("entries", "failedEntry0")).containsExactly(404, 404);
    }
}
