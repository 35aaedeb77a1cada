package io.cmsrouter.contentful;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

import java.util.List;

/** The ingest route's view of a Contentful webhook: its facts (checked at the door) and its channels. */
@Component("contentfulEvents")
public class ContentfulEvents {

    public ContentfulFacts facts(@Header("X-Contentful-Topic") String topic, @Body JsonNode event) {
        return ContentfulFacts.of(topic, event);
    }

    public List<String> channels(@ExchangeProperty("contentful") ContentfulFacts facts) {
        return ContentfulChannels.derive(facts);
    }
}
