package io.cmsrouter.contentful;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.content.CacheKeys;
import io.cmsrouter.content.WorkItem;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** Contentful's Content Delivery API for one item: where it is, and what it answered. */
@Component("contentfulDelivery")
public class ContentfulDelivery {
    private final ContentfulProperties contentful;
    private final ObjectMapper mapper;

    public ContentfulDelivery(ContentfulProperties contentful, ObjectMapper mapper) {
        this.contentful = contentful;
        this.mapper = mapper;
    }

    /** {@code /spaces/{space}/environments/{env}/entries/{id}} (or {@code assets}). */
    public String path(@ExchangeProperty("item") WorkItem item) {
        return "/spaces/" + contentful.spaceId() + "/environments/" + item.environment()
                + (WorkItem.CF_ASSET.equals(item.type()) ? "/assets/" : "/entries/") + item.uid();
    }

    /** {@code GET /cache/contentful/entries/{uid}}: the environment defaults to master, the locale to the space's. */
    public String entryKey(@Header("environment") String environment, @Header("locale") String locale,
                           @Header("uid") String uid) {
        return key(WorkItem.CF_ENTRY, environment, locale, uid);
    }

    public String assetKey(@Header("environment") String environment, @Header("locale") String locale,
                           @Header("uid") String uid) {
        return key(WorkItem.CF_ASSET, environment, locale, uid);
    }

    private String key(String type, String environment, String locale, String uid) {
        return CacheKeys.contentful(type, blank(environment) ? ContentfulFacts.DEFAULT_ENVIRONMENT : environment,
                blank(locale) ? contentful.defaultLocale() : locale, uid);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * The item with the content type the CDA names: an entry of a bulk action or release is known by its id alone,
     * and its content type's delete must still find it.
     */
    public WorkItem withContentType(@ExchangeProperty("item") WorkItem item, @Body JsonNode served) {
        String contentType = served.path("sys").path("contentType").path("sys").path("id").asText(null);
        if (item.contentTypeUid() != null || contentType == null || !WorkItem.CF_ENTRY.equals(item.type())) {
            return item;
        }
        return new WorkItem(item.type(), contentType, item.uid(), item.locale(), item.environment(),
                item.environmentUid(), item.action(), item.version(), item.title(), item.payload(), item.eventTime());
    }

    /** The item as the CDA serves it for one locale ({@code sys}, {@code fields}, {@code metadata}). */
    public JsonNode read(@Body String answer) throws JsonProcessingException {
        JsonNode item = mapper.readTree(answer);
        if (item == null || !item.path("sys").isObject()) {
            throw new IllegalStateException("Contentful's CDA answered without an item");
        }
        return item;
    }
}
