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

import java.util.ArrayList;
import java.util.List;

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

    /** A cache read: which item, in which environment and locale (null until it is known). */
    public record Request(String uid, String environment, String locale) {
    }

    /** {@code GET /cache/contentful/...}: the environment defaults to master; the locale is looked up when absent. */
    public Request request(@Header("uid") String uid, @Header("environment") String environment,
                           @Header("locale") String locale) {
        String configured = blank(contentful.defaultLocale()) ? null : contentful.defaultLocale();
        return new Request(uid, blank(environment) ? ContentfulFacts.DEFAULT_ENVIRONMENT : environment,
                blank(locale) ? configured : locale);
    }

    public Request inLocale(@ExchangeProperty("request") Request request, @Body String locale) {
        return new Request(request.uid(), request.environment(), locale);
    }

    /** The space's default locale, from the CDA's {@code /locales}. */
    public String defaultLocale(@Body String locales) throws JsonProcessingException {
        for (JsonNode locale : mapper.readTree(locales).path("items")) {
            if (locale.path("default").asBoolean()) {
                return locale.path("code").asText();
            }
        }
        throw new IllegalStateException("Contentful's CDA names no default locale for the environment");
    }

    /** Every locale code of the space, from the CDA's {@code /locales}. */
    public List<String> localeCodes(@Body String locales) throws JsonProcessingException {
        List<String> codes = new ArrayList<>();
        mapper.readTree(locales).path("items").forEach(l -> codes.add(l.path("code").asText()));
        return codes;
    }

    public String entryKey(@ExchangeProperty("request") Request request) {
        return CacheKeys.contentful(WorkItem.CF_ENTRY, request.environment(), request.locale(), request.uid());
    }

    public String assetKey(@ExchangeProperty("request") Request request) {
        return CacheKeys.contentful(WorkItem.CF_ASSET, request.environment(), request.locale(), request.uid());
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
        return WorkItem.contentful(item.type(), contentType, item.uid(), item.locale(), item.environment(),
                item.action(), item.version(), item.eventTime());
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
