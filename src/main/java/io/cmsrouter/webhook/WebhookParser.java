package io.cmsrouter.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

/** Turns a webhook body into a JSON tree and checks the envelope every Contentstack webhook has. */
@Component("webhooks")
public class WebhookParser {
    private final ObjectMapper mapper;

    public WebhookParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public JsonNode parse(@Body byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidWebhookException(400, "request body is empty");
        }
        JsonNode event;
        try {
            event = mapper.readTree(body);
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
