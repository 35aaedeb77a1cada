package io.cmsrouter.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.common.Timestamps;
import io.cmsrouter.webhook.EventFacts;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns single-item and release webhooks into {@link WorkItem}s. */
@Component("workItems")
public class WorkItems {
    /** What a concise payload carries; anything more is a full item the router can cache as it is. */
    private static final Set<String> CONCISE_FIELDS = Set.of("uid", "title", "locale", "_version", "content_type_uid");

    private final CacheKeys cacheKeys;
    private final int pageSize;

    public WorkItems(CacheKeys cacheKeys, @Value("${router.fanout.page-size}") int pageSize) {
        this.cacheKeys = cacheKeys;
        this.pageSize = Math.max(1, pageSize);
    }

    /** The one item an entry, asset or content type event is about; an event that cannot name it fails. */
    public WorkItem fromEvent(@Body JsonNode event) {
        EventFacts f = EventFacts.of(event);
        JsonNode data = event.path("data");
        String module = f.module().name().toLowerCase(java.util.Locale.ROOT);
        require(f.itemUid() != null, module + " event without the item's uid");
        require(f.module() == EventFacts.Module.ASSET || f.contentTypeUid() != null,
                module + " event without its content type uid");
        require(f.action().equals("delete") || f.environmentName() != null || f.environmentUid() != null,
                module + " " + f.action() + " event without data.environment or publish_details");
        Instant time = eventTime(event);
        return switch (f.module()) {
            case CONTENT_TYPE -> new WorkItem(WorkItem.CONTENT_TYPE, f.contentTypeUid(), f.contentTypeUid(), null,
                    null, null, f.action(), null, null, null, time);
            case ASSET -> item(WorkItem.ASSET, null, data.path("asset"), f, isFullAsset(data.path("asset")), time);
            default -> item(WorkItem.ENTRY, f.contentTypeUid(), data.path("entry"), f, isFullEntry(data.path("entry")), time);
        };
    }

    /** The page of a deployed release's items that starts at {@code skip} (router.fanout.page-size items). */
    public Page releasePage(@Body JsonNode event, @ExchangeProperty("skip") Integer skip) {
        return Page.of(fromRelease(event), skip == null ? 0 : skip, pageSize);
    }

    /** One item per entry or asset of a deployed release, in the release's environment. */
    List<WorkItem> fromRelease(JsonNode event) {
        EventFacts f = EventFacts.of(event);
        List<WorkItem> items = new ArrayList<>();
        for (JsonNode i : event.path("data").path("release").path("items")) {
            String contentType = text(i, "content_type_uid");
            boolean asset = EventFacts.ASSET_CONTENT_TYPE.equals(contentType) || "asset".equals(text(i, "type"));
            items.add(new WorkItem(asset ? WorkItem.ASSET : WorkItem.ENTRY, asset ? null : contentType,
                    text(i, "uid"), localeOr(text(i, "locale")), f.environmentName(), f.environmentUid(),
                    actionOf(text(i, "action")), version(i.get("version")), text(i, "title"), null, eventTime(event)));
        }
        return items;
    }

    private WorkItem item(String type, String contentTypeUid, JsonNode item, EventFacts f, boolean full, Instant time) {
        return new WorkItem(type, contentTypeUid, f.itemUid(), localeOr(f.locale()), f.environmentName(),
                f.environmentUid(), f.action(), version(item.get("_version")), text(item, "title"),
                full && "publish".equals(f.action()) ? restoreDollarKeys(item) : null, time);
    }

    /** When Contentstack fired the event: its triggered_at (a redelivery carries a fresh one; dedupe absorbs those). */
    static Instant eventTime(JsonNode event) {
        return Timestamps.parseOr(text(event, "triggered_at"), Instant.now());
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException(reason);
        }
    }

    static boolean isFullEntry(JsonNode entry) {
        for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
            if (!CONCISE_FIELDS.contains(it.next())) {
                return true;
            }
        }
        return false;
    }

    static boolean isFullAsset(JsonNode asset) {
        return asset.hasNonNull("url") || asset.hasNonNull("filename");
    }

    /** Contentstack prefixes keys starting with '$' with 'cs' in webhook payloads; the cache holds them as delivered. */
    static JsonNode restoreDollarKeys(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey().startsWith("cs$") ? field.getKey().substring(2) : field.getKey();
                copy.set(key, restoreDollarKeys(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(restoreDollarKeys(element)));
            return copy;
        }
        return node;
    }

    private String localeOr(String locale) {
        return locale == null || locale.isEmpty() ? cacheKeys.masterLocale() : locale;
    }

    static String actionOf(String action) {
        return action == null ? "publish" : action.toLowerCase(java.util.Locale.ROOT);
    }

    static Integer version(JsonNode v) {
        return v != null && v.canConvertToInt() ? v.asInt() : null;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.asText().isEmpty() ? v.asText() : null;
    }
}
