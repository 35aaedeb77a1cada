package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shapes of Contentstack webhooks captured in the wild that differ from the headline docs: each is received,
 * routed by the channels it should have, and applied.
 */
class ContentstackShapesTest extends RouterHttpTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A full entry publish to production, in en-us, of content type {@code contentType}. */
    private static final class EntryPublish {
        private final ObjectNode event = NODES.objectNode();
        private final ObjectNode data;
        private final ObjectNode entry;

        EntryPublish(String contentType, String uid) {
            event.put("module", "entry").put("event", "publish").put("api_key", "blt0stack0api0key22")
                    .put("triggered_at", "2026-06-01T00:00:00.000Z");
            data = event.putObject("data");
            entry = data.putObject("entry").put("uid", uid).put("title", "Wild " + uid).put("locale", "en-us")
                    .put("_version", 2);
            entry.putArray("publish_details").addObject().put("environment", "blt0env0production")
                    .put("locale", "en-us").put("version", 2);
            data.putObject("content_type").put("uid", contentType).put("title", contentType);
            data.putObject("environment").put("uid", "blt0env0production").put("name", "production");
            data.put("action", "publish").put("status", "success").put("locale", "en-us");
        }

        /** publish_details as one object, and no data.environment: the details name the environment. */
        EntryPublish detailsAsOneObject() {
            entry.putObject("publish_details").put("environment", "blt0env0production").put("locale", "en-us")
                    .put("version", 2);
            data.remove("environment");
            return this;
        }

        /** data.environment as the whole environment, as some stacks send it. */
        EntryPublish fullEnvironment() {
            ObjectNode environment = data.putObject("environment").put("uid", "blt0env0production")
                    .put("name", "production").put("deploy_content", true).put("_version", 4);
            environment.putArray("urls").addObject().put("locale", "en-us").put("url", "https://www.example.com");
            environment.putArray("servers");
            environment.putObject("created_by").put("uid", "blt0user0wild01").put("email", "editor@example.com");
            return this;
        }

        /** the top-level flag of publishes that came from a bulk job. */
        EntryPublish fromBulkJob() {
            event.put("bulk", true);
            return this;
        }

        String json() {
            return event.toString();
        }
    }

    @Test
    void contentTypeDeleteWhoseDataIsTheContentTypeEvictsItsEntries() {
        deliverAndSettle(new EntryPublish("wildtype", "blt0wild0typed01").json());
        assertThat(cachedEntry("wildtype", "blt0wild0typed01", "production", "en-us").statusCode()).isEqualTo(200);
        ObjectNode delete = NODES.objectNode().put("module", "content_type").put("event", "delete")
                .put("api_key", "blt0stack0api0key22").put("triggered_at", "2026-06-01T00:01:00.000Z");
        delete.putObject("data").put("uid", "wildtype").put("title", "Wild type").putArray("schema");

        JsonNode ack = deliver(delete.toString());

        assertThat(strings(ack.path("channels"))).containsExactly("content_types.delete", "content_types.wildtype.delete");
        assertThat(settled(ack.path("execution_uid").asText()).path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("wildtype", "blt0wild0typed01", "production", "en-us").statusCode()).isEqualTo(404);
    }

    @Test
    void publishDetailsAsOneObjectNameTheEnvironment() {
        JsonNode execution = deliverAndSettle(new EntryPublish("article", "blt0wild0detail1").detailsAsOneObject().json());

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(read(cachedEntry("article", "blt0wild0detail1", "production", "en-us").body()).path("title").asText())
                .isEqualTo("Wild blt0wild0detail1");
    }

    @Test
    void anEnvironmentSentWhole() {
        JsonNode ack = deliver(new EntryPublish("article", "blt0wild0envobj1").fullEnvironment().json());

        assertThat(strings(ack.path("channels"))).contains("content_types.article.entries.environments.production.publish.success");
        assertThat(settled(ack.path("execution_uid").asText()).path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("article", "blt0wild0envobj1", "production", "en-us").statusCode()).isEqualTo(200);
    }

    @Test
    void aPublishFromABulkJobIsASinglePublish() {
        JsonNode ack = deliver(new EntryPublish("article", "blt0wild0bulk001").fromBulkJob().json());

        assertThat(strings(ack.path("channels"))).contains("content_types.entries.publish")
                .noneMatch(c -> c.startsWith("jobs."));
        assertThat(settled(ack.path("execution_uid").asText()).path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("article", "blt0wild0bulk001", "production", "en-us").statusCode()).isEqualTo(200);
    }

    @Test
    void aCommentWhoseAuthorIsAnObjectIsRoutable() {
        ObjectNode comment = (ObjectNode) read(fixture("comment-update.json"));
        ((ObjectNode) comment.path("data").path("comment")).putObject("created_by").put("uid", "blt0user0wild01")
                .put("first_name", "Ada");

        JsonNode ack = deliver(comment.toString());

        assertThat(strings(ack.path("channels")))
                .contains("content_types.sample_content_type.entries.blt0entry00000008d.comments.update");
        assertThat(settled(ack.path("execution_uid").asText()).path("status").asText()).isEqualTo("ignored");
    }

    @Test
    void aModuleBeyondTheSeedsIsRoutableAndIgnored() {
        ObjectNode install = NODES.objectNode().put("module", "app_installation").put("event", "install")
                .put("api_key", "blt0stack0api0key22").put("triggered_at", "2026-06-01T00:00:00.000Z");
        install.putObject("data").putObject("app_installation").put("uid", "blt0install0001")
                .putObject("app").put("uid", "blt0app0wild0001").put("name", "Translations");

        JsonNode ack = deliver(install.toString());

        assertThat(strings(ack.path("channels"))).containsExactly("app_installation.install");
        assertThat(settled(ack.path("execution_uid").asText()).path("status").asText()).isEqualTo("ignored");
    }
}
