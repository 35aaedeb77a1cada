package io.cmsrouter.source;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.contentful.ContentfulChannels;
import io.cmsrouter.contentful.ContentfulFacts;
import io.cmsrouter.webhook.Channels;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The CMSs webhooks come from. An execution records its source, module and event; its channels are derived from those
 * and its stored body, however it is run (on arrival, from the backlog, on a retry) or shown.
 */
@Component("sources")
public class Sources {
    public static final String CONTENTSTACK = "contentstack";
    public static final String CONTENTFUL = "contentful";

    private final Channels channels;

    public Sources(Channels channels) {
        this.channels = channels;
    }

    public List<String> channels(String source, String module, String event, JsonNode body) {
        return CONTENTFUL.equals(source)
                ? ContentfulChannels.derive(ContentfulFacts.of(ContentfulFacts.topic(module, event), body))
                : channels.derive(body);
    }
}
