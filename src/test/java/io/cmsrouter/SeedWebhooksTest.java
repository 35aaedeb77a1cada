package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every payload shape in the seeds is accepted, gets Contentstack's channel names, and is routed or ignored. */
class SeedWebhooksTest extends RouterHttpTest {

    static Stream<Arguments> seedPayloads() {
        return Stream.of(
                Arguments.of("entry-update-executions-sample.json", "ignored", List.of(
                        // exactly the channels of seed 004's "Get executions" sample
                        "content_types.entries.update",
                        "content_types.ref.entries.update",
                        "content_types.ref.entries.bltd97eb3484fc00c48.update")),
                Arguments.of("asset-update-executions-sample.json", "ignored", List.of(
                        // exactly the channels of seed 004's "Get latest execution log" sample
                        "assets.update",
                        "assets.bltaa9509abac6e272b.update")),
                Arguments.of("entry-update.json", "ignored", List.of(
                        "content_types.entries.update",
                        "content_types.webhookcreated.entries.update",
                        "content_types.webhookcreated.entries.blt0entry0000000a9.update")),
                Arguments.of("comment-update.json", "ignored", List.of(
                        "content_types.entries.comments.update",
                        "content_types.sample_content_type.entries.comments.update",
                        "content_types.sample_content_type.entries.blt0entry00000008d.comments.update")),
                Arguments.of("asset-publish.json", "succeeded", List.of(
                        "assets.publish",
                        "assets.environments.publish.success",
                        "assets.environments.blt0env0000000055.publish.success",
                        "assets.environments.blank.publish.success",
                        "assets.blt0asset00000011.environments.publish.success",
                        "assets.blt0asset00000011.environments.blt0env0000000055.publish.success",
                        "assets.blt0asset00000011.environments.blank.publish.success")),
                Arguments.of("entry-publish-release.json", "succeeded", List.of(
                        "content_types.entries.publish",
                        "content_types.entries.environments.publish.success",
                        "content_types.entries.environments.blt0env0production.publish.success",
                        "content_types.article.entries.environments.publish.success",
                        "content_types.article.entries.environments.blt0env0production.publish.success",
                        "content_types.article.entries.blt0entry0release1.environments.publish.success",
                        "content_types.article.entries.blt0entry0release1.environments.blt0env0production.publish.success")),
                Arguments.of("asset-publish-release.json", "succeeded", List.of(
                        "assets.publish",
                        "assets.environments.publish.success",
                        "assets.environments.blt0env0production.publish.success",
                        "assets.blt0asset0release1.environments.publish.success",
                        "assets.blt0asset0release1.environments.blt0env0production.publish.success")),
                Arguments.of("release-deploy.json", "succeeded", List.of(
                        "releases.environments.deploy",
                        "releases.environments.deploy.success",
                        "releases.environments.production.deploy",
                        "releases.environments.production.deploy.success",
                        "releases.blt0release000011.environments.deploy",
                        "releases.blt0release000011.environments.deploy.success",
                        "releases.blt0release000011.environments.production.deploy",
                        "releases.blt0release000011.environments.production.deploy.success")),
                Arguments.of("content-type-delete.json", "succeeded", List.of(
                        "content_types.delete",
                        "content_types.promo.delete")),
                Arguments.of("entry-publish-concise.json", "succeeded", List.of(
                        "content_types.entries.publish",
                        "content_types.entries.environments.publish.success",
                        "content_types.entries.environments.blt0env0production.publish.success",
                        "content_types.entries.environments.production.publish.success",
                        "content_types.article.entries.environments.publish.success",
                        "content_types.article.entries.environments.blt0env0production.publish.success",
                        "content_types.article.entries.environments.production.publish.success",
                        "content_types.article.entries.blt0entry0concise1.environments.publish.success",
                        "content_types.article.entries.blt0entry0concise1.environments.blt0env0production.publish.success",
                        "content_types.article.entries.blt0entry0concise1.environments.production.publish.success")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seedPayloads")
    void seedPayloadIsAcceptedWithContentstackChannelsAndRouted(String fixture, String status, List<String> channels) {
        JsonNode ack = deliver(fixture(fixture));

        assertThat(strings(ack.path("channels"))).containsExactlyElementsOf(channels);
        JsonNode execution = settled(ack.path("execution_uid").asText());
        assertThat(execution.path("status").asText()).as(execution.toPrettyString()).isEqualTo(status);
        assertThat(strings(execution.path("channel"))).containsExactlyElementsOf(channels);
        assertThat(execution.path("event_data").path("module").asText()).isNotEmpty();
    }

    @Test
    void jobWebhookIsRoutedByItsJobChannels() {
        stack.job("00906443-2ba3-420e-a3bd-2b6b4cd7c5745", "publish", List.of(), 100, "total_count");

        JsonNode ack = deliver(fixture("job-publish-completed.json"));

        assertThat(strings(ack.path("channels"))).containsExactly(
                "jobs.environments.publish.completed", "jobs.environments.production.publish.completed");
        JsonNode execution = settled(ack.path("execution_uid").asText());
        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("job_id").asText()).isEqualTo("00906443-2ba3-420e-a3bd-2b6b4cd7c5745");
    }

    @Test
    void unknownButValidEventIsAcknowledgedAndIgnored() {
        JsonNode ack = deliver("{\"module\": \"taxonomy\", \"event\": \"create\", \"api_key\": \"blt1\","
                + " \"data\": {\"taxonomy\": {\"uid\": \"regions\"}}, \"triggered_at\": \"2026-01-01T00:00:00.000Z\"}");

        assertThat(strings(ack.path("channels"))).containsExactly("taxonomy.create");
        JsonNode execution = settled(ack.path("execution_uid").asText());
        assertThat(execution.path("status").asText()).isEqualTo("ignored");
        assertThat(execution.path("items")).isEmpty();
        assertThat(cms.getAllServeEvents()).isEmpty();
    }

    @Test
    void failedPublishIsIgnoredNotCached() {
        String failed = fixture("asset-publish.json").replace("\"status\": \"success\"", "\"status\": \"fail\"")
                .replace("blt0asset00000011", "blt0asset0failed01");

        JsonNode execution = deliverAndSettle(failed);

        assertThat(strings(execution.path("channel"))).startsWith("assets.publish.fail");
        assertThat(execution.path("status").asText()).isEqualTo("ignored");
        assertThat(cachedAsset("blt0asset0failed01", "blank").statusCode()).isEqualTo(404);
    }
}
