package io.cmsrouter.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Turns a webhook body into a JSON tree; {@link Identifiers} then checks what the router reads from it. */
@Component("webhooks")
public class WebhookParser {
    private final ObjectMapper mapper;
    private final int maxDepth;

    public WebhookParser(@Value("${router.security.max-json-depth}") int maxDepth) {
        // deeply nested JSON is refused while it is read, before it can cost stack or memory
        this.maxDepth = maxDepth;
        this.mapper = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build()).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public JsonNode parse(@Body byte[] body) {
        if (body == null || body.length == 0) {
            throw new MalformedWebhookException("request body is empty");
        }
        JsonNode event;
        try {
            event = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new MalformedWebhookException("JSON is nested deeper than " + maxDepth + " levels");
        } catch (JsonProcessingException e) {
            throw new MalformedWebhookException("body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new MalformedWebhookException("body could not be read");
        }
        if (event == null || !event.isObject()) {
            throw new MalformedWebhookException("body must be a JSON object");
        }
        return event;
    }
}
