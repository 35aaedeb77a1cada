package io.cmsrouter.contentful;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.webhook.InvalidEventException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Contentful topics and payloads to channel names, and the facts read on the way. */
class ContentfulChannelsTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A payload's {@code sys}, as Contentful sends it. */
    private static final class Sys {
        final ObjectNode payload = NODES.objectNode();
        final ObjectNode sys = payload.putObject("sys");

        Sys(String type, String id) {
            sys.put("type", type).put("id", id);
        }

        Sys environment(String id) {
            sys.putObject("environment").putObject("sys").put("id", id).put("type", "Link").put("linkType", "Environment");
            return this;
        }

        Sys contentType(String id) {
            sys.putObject("contentType").putObject("sys").put("id", id).put("type", "Link").put("linkType", "ContentType");
            return this;
        }

        Sys put(String field, String value) {
            sys.put(field, value);
            return this;
        }

        Sys put(String field, int value) {
            sys.put(field, value);
            return this;
        }
    }

    private static List<String> channels(String topic, Sys sys) {
        return ContentfulChannels.derive(ContentfulFacts.of(topic, sys.payload));
    }

    @Test
    void anEntryPublishNamesItsEnvironmentContentTypeAndId() {
        assertThat(channels("ContentManagement.Entry.publish", new Sys("Entry", "5KsDBWse").environment("staging")
                .contentType("blogPost"))).containsExactly(
                "ContentManagement.Entry.publish",
                "ContentManagement.Entry.environments.staging.publish",
                "ContentManagement.Entry.environments.staging.content_types.blogPost.publish",
                "ContentManagement.Entry.environments.staging.content_types.blogPost.entries.5KsDBWse.publish");
    }

    @Test
    void aDeliveryWithoutAnEnvironmentIsFromMaster() {
        assertThat(channels("ContentManagement.Asset.unpublish", new Sys("DeletedAsset", "3wtvPBbBjiMKqKKga8I2Cu")))
                .containsExactly("ContentManagement.Asset.unpublish", "ContentManagement.Asset.environments.master.unpublish",
                        "ContentManagement.Asset.environments.master.assets.3wtvPBbBjiMKqKKga8I2Cu.unpublish");
    }

    @Test
    void actionEventsAddTheirStatus() {
        assertThat(channels("ContentManagement.BulkAction.execute", new Sys("BulkAction", "bulk1").environment("master")
                .put("status", "succeeded"))).containsExactly(
                "ContentManagement.BulkAction.execute",
                "ContentManagement.BulkAction.environments.master.execute",
                "ContentManagement.BulkAction.environments.master.execute.succeeded",
                "ContentManagement.BulkAction.environments.master.bulk1.execute",
                "ContentManagement.BulkAction.environments.master.bulk1.execute.succeeded");
        // a release's own status is not an action's outcome
        assertThat(channels("ContentManagement.Release.save", new Sys("Release", "r1").put("status", "active")))
                .noneMatch(c -> c.endsWith(".active"));
    }

    @Test
    void onlyThePublishedVersionOrdersEvents() {
        assertThat(ContentfulFacts.of("ContentManagement.Entry.publish", new Sys("Entry", "e1").put("revision", 7)
                .put("publishedVersion", 12).payload).version()).isEqualTo(12);
        // version and revision count other things: without a published version, time alone orders
        assertThat(ContentfulFacts.of("ContentManagement.Entry.save", new Sys("Entry", "e1").put("revision", 7)
                .put("version", 13).payload).version()).isNull();
        assertThat(ContentfulFacts.of("ContentManagement.Entry.delete", new Sys("DeletedEntry", "e1").put("revision", 7)
                .payload).version()).isNull();
    }

    @Test
    void aTopicThatIsNotContentManagementIsRefused() {
        assertThatThrownBy(() -> ContentfulFacts.of("Entry.publish", new Sys("Entry", "e1").payload))
                .isInstanceOf(InvalidEventException.class).hasMessage("field 'X-Contentful-Topic' must be ContentManagement.<Type>.<action>");
        assertThatThrownBy(() -> ContentfulFacts.of(null, new Sys("Entry", "e1").payload))
                .isInstanceOf(InvalidEventException.class);
    }
}
