package io.cmsrouter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Channel derivation for shapes the seed samples do not show. */
class ChannelsTest {
    private final Channels channels = new Channels();
    private final ObjectMapper mapper = new ObjectMapper();

    private List<String> derive(String json) throws Exception {
        return channels.derive(mapper.readTree(json.replace('\'', '"')));
    }

    @Test
    void contentTypeModuleSpelledAsInTheDataFormatDoc() throws Exception {
        assertThat(derive("{'module': 'content types', 'event': 'update', 'data': {'content_type': {'uid': 'blog'}}}"))
                .containsExactly("content_types.update", "content_types.blog.update");
        assertThat(derive("{'module': 'content_type', 'event': 'create', 'data': {'content_type': {'uid': 'blog'}}}"))
                .containsExactly("content_types.create");
    }

    @Test
    void contentTypeOrGlobalFieldSentAsDataItself() throws Exception {
        assertThat(derive("{'module': 'content_type', 'event': 'delete', 'data': {'uid': 'promo', 'title': 'Promo'}}"))
                .containsExactly("content_types.delete", "content_types.promo.delete");
        assertThat(derive("{'module': 'global_field', 'event': 'delete', 'data': {'uid': 'seo', 'schema': []}}"))
                .containsExactly("global_fields.delete", "global_fields.seo.delete");
        // the wrapper, when present, is what the event is about
        assertThat(derive("{'module': 'content_type', 'event': 'delete', 'data': {'uid': 'x', 'content_type': {'uid': 'blog'}}}"))
                .containsExactly("content_types.delete", "content_types.blog.delete");
    }

    @Test
    void entryCreateHasNoPerEntryChannel() throws Exception {
        assertThat(derive("{'module': 'entry', 'event': 'create', 'data': {'entry': {'uid': 'e1'}, 'content_type': {'uid': 'blog'}}}"))
                .containsExactly("content_types.entries.create", "content_types.blog.entries.create");
    }

    @Test
    void failedPublishNamesTheFailureEverywhere() throws Exception {
        assertThat(derive("{'module': 'entry', 'event': 'publish', 'data': {'entry': {'uid': 'e1'}, 'content_type': {'uid': 'blog'},"
                + " 'environment': {'uid': 'blt9', 'name': 'prod'}, 'status': 'failure'}}"))
                .startsWith("content_types.entries.publish.fail", "content_types.entries.environments.publish.fail")
                .contains("content_types.blog.entries.e1.environments.prod.publish.fail")
                .noneMatch(c -> c.endsWith(".success"));
    }

    @Test
    void outcomeInTheEventNameIsKept() throws Exception {
        assertThat(derive("{'module': 'asset', 'event': 'unpublish.success', 'data': {'asset': {'uid': 'a1'},"
                + " 'environment': {'name': 'prod'}}}"))
                .containsExactly("assets.unpublish", "assets.environments.unpublish.success",
                        "assets.environments.prod.unpublish.success", "assets.a1.environments.unpublish.success",
                        "assets.a1.environments.prod.unpublish.success");
    }

    @Test
    void discussionsAndGlobalFields() throws Exception {
        assertThat(derive("{'module': 'discussion', 'event': 'resolve', 'data': {'discussion': {'uid': 'd1',"
                + " 'entry_uid': 'e1', '_content_type_uid': 'blog'}}}"))
                .containsExactly("content_types.entries.discussions.resolve", "content_types.blog.entries.discussions.resolve",
                        "content_types.blog.entries.e1.discussions.resolve");
        assertThat(derive("{'module': 'global_field', 'event': 'update', 'data': {'global_field': {'uid': 'seo'}}}"))
                .containsExactly("global_fields.update", "global_fields.seo.update");
    }

    @Test
    void jobWebhookIsKnownByItsJobIdWhereverItSits() throws Exception {
        JsonNode job = mapper.readTree("{\"module\": \"bulk\", \"event\": \"completed\", \"data\": {\"summary\":"
                + " {\"details\": [{\"job_id\": \"j-1\"}]}, \"action\": \"unpublish\"}}");
        assertThat(EventFacts.of(job).jobId()).isEqualTo("j-1");
        assertThat(channels.derive(job)).containsExactly("jobs.environments.unpublish.completed");
        // an entry event that happens to carry a job_id stays an entry event
        assertThat(derive("{'module': 'entry', 'event': 'update', 'data': {'job_id': 'j-2', 'entry': {'uid': 'e1'},"
                + " 'content_type': {'uid': 'blog'}}}")).first().isEqualTo("content_types.entries.update");
    }

    @Test
    void jobWithoutAnyActionStillMatchesTheJobRule() throws Exception {
        List<String> derived = derive("{'module': 'jobs', 'event': 'completed', 'data': {'job_id': 'j-3'}}");
        assertThat(derived).containsExactly("jobs.environments.completed");
        assertThat(channels.anyMatch(derived, "jobs.environments.*completed")).isTrue();
    }

    @Test
    void routerRulesAreGlobsSeparatedBySpaces() {
        List<String> derived = List.of("content_types.entries.publish.fail", "content_types.blog.entries.update");
        assertThat(channels.anyMatch(derived, "content_types.entries.publish")).isFalse();
        assertThat(channels.anyMatch(derived, "assets.publish content_types.*.entries.update")).isTrue();
        assertThat(channels.anyMatch(derived, "*.publish.fail")).isTrue();
        assertThat(channels.anyMatch(derived, "content_types.entries.publish.fail.more")).isFalse();
    }
}
