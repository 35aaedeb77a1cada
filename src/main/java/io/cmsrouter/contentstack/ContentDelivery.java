package io.cmsrouter.contentstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.content.WorkItem;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Content Delivery API requests for one item: {@code GET /v3/content_types/{ct}/entries/{uid}?environment=&locale=}
 * answers {@code {"entry": {...}}}, {@code GET /v3/assets/{uid}?environment=} answers {@code {"asset": {...}}}.
 */
@Component("delivery")
public class ContentDelivery {
    private final ObjectMapper mapper;

    public ContentDelivery(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String path(@ExchangeProperty("item") WorkItem item) {
        return item.isEntry()
                ? "/v3/content_types/" + encode(item.contentTypeUid()) + "/entries/" + encode(item.uid())
                : "/v3/assets/" + encode(item.uid());
    }

    public String query(@ExchangeProperty("item") WorkItem item) {
        String query = "environment=" + encode(item.environment());
        return item.isEntry() ? query + "&locale=" + encode(item.locale()) : query;
    }

    /** The entry or asset object itself, from the CDA's wrapper. */
    public JsonNode unwrap(@Body String response, @ExchangeProperty("item") WorkItem item) throws IOException {
        JsonNode content = mapper.readTree(response).get(item.type());
        if (content == null || !content.isObject()) {
            throw new IllegalStateException("CDA answer for " + item.type() + " " + item.uid() + " has no '"
                    + item.type() + "' object");
        }
        return content;
    }

    private static String encode(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("cannot fetch an item whose uid, content type or environment is unknown");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
