package io.cmsrouter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.webhook.ChannelCatalogue.Resolution;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelCatalogueTest {

    @Test
    void aChannelWithoutWildcardIsSubscribedAsWritten() {
        Resolution r = ChannelCatalogue.resolve(List.of("content_types.entries.publish assets.publish",
                "content_types.blog.entries.environments.production.publish.success"));

        assertThat(r.channels()).containsExactly("content_types.entries.publish", "assets.publish",
                "content_types.blog.entries.environments.production.publish.success");
        assertThat(r.unresolved()).isEmpty();
    }

    @Test
    void aWildcardStandsForTheStackWideChannelsItMatches() {
        Resolution r = ChannelCatalogue.resolve(List.of("jobs.environments.*completed", "assets.*publish"));

        assertThat(r.channels()).containsExactly("jobs.environments.publish.completed",
                "jobs.environments.unpublish.completed", "assets.publish", "assets.unpublish");
    }

    @Test
    void contentfulRulesAreLeftOutAndAWildcardMatchingNothingIsReported() {
        Resolution r = ChannelCatalogue.resolve(List.of("ContentManagement.Entry.publish ContentManagement.*",
                "content_types.*.entries.*.nothing_like_this", "assets.delete assets.delete"));

        assertThat(r.channels()).containsExactly("assets.delete");
        assertThat(r.unresolved()).containsExactly("content_types.*.entries.*.nothing_like_this");
    }

    /** Each stack-wide channel the router derives for the seed's events is one a webhook can subscribe to. */
    @Test
    void theGeneralChannelsDerivedForSeedEventsAreInTheCatalogue() throws IOException {
        Channels channels = new Channels();
        for (String fixture : List.of("entry-update.json", "asset-publish.json", "job-publish-completed.json",
                "content-type-delete.json", "entry-publish-concise.json")) {
            try (InputStream in = getClass().getResourceAsStream("/webhooks/" + fixture)) {
                JsonNode event = new ObjectMapper().readTree(in);
                String general = channels.derive(event).get(0);
                assertThat(ChannelCatalogue.GENERAL).as(fixture).contains(general);
            }
        }
    }
}
