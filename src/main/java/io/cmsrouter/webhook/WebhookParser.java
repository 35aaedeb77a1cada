package io.cmsrouter.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import io.cmsrouter.security.SecurityProperties;
import org.springframework.stereotype.Component;

/** Turns a webhook body into a JSON tree and checks the envelope every Contentstack webhook has. */
@Component("webhooks")
public class WebhookParser {
    private final ObjectMapper mapper;
    private final int maxDepth;

    public WebhookParser(SecurityProperties security) {
        // deeply nested JSON is refused while it is read, before it can cost stack or memory
        this.maxDepth = security.getMaxJsonDepth();
        this.mapper = new ObjectMapper(JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build()).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public JsonNode parse(@Body byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidWebhookException(400, "request body is empty");
        }
        JsonNode event;
        try {
            event = mapper.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new InvalidWebhookException(400, "JSON is nested deeper than " + maxDepth + " levels");
        } catch (JsonProcessingException e) {
            throw new InvalidWebhookException(400, "body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidWebhookException(400, "body could not be read");
        }
        if (event == null || !event.isObject()) {
            throw new InvalidWebhookException(400, "body must be a JSON object");
        }
        requireText(event, "module");
        requireText(event, "event");
        if (event.has("data") && !event.get("data").isObject()) {
            throw new InvalidWebhookException(422, "field 'data' must be an object");
        }
        return event;
    }

    private static void requireText(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidWebhookException(422, "field '" + field + "' is missing");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidWebhookException(422, "field '" + field + "' must be a non-empty string");
        }
    }
}
