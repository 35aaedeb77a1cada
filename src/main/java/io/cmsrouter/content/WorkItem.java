package io.cmsrouter.content;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

import static io.cmsrouter.common.Texts.cut;

/**
 * One thing to apply to the cache: an entry or asset to publish, unpublish or delete in one environment and locale,
 * or a content type whose entries are deleted. {@code payload} is the full item when the webhook carried it; a
 * concise payload leaves it null and the item is fetched from the Content Delivery API. {@code version} and
 * {@code eventTime} order events for the same item (see {@link ContentStore}).
 */
public record WorkItem(String type, String contentTypeUid, String uid, String locale, String environment,
                       String environmentUid, String action, Integer version, String title, JsonNode payload,
                       Instant eventTime) {

    public static final String ENTRY = "entry";
    public static final String ASSET = "asset";
    public static final String CONTENT_TYPE = "content_type";
    /** Contentful's entries, assets and content types: their own types, so no Contentstack query matches them. */
    public static final String CF_ENTRY = "cf_entry";
    public static final String CF_ASSET = "cf_asset";
    public static final String CF_CONTENT_TYPE = "cf_content_type";

    public boolean isEntry() {
        return ENTRY.equals(type);
    }

    /** A Contentful item: its environment is named by its id alone, and nothing of it comes in the payload. */
    public static WorkItem contentful(String type, String contentType, String id, String locale, String environment,
                                      String action, Integer version, Instant eventTime) {
        return new WorkItem(type, contentType, id, locale, environment, environment, action, version, null, null,
                eventTime);
    }

    /** A Contentful item: its environment is the environment id, and its key names no content type. */
    public boolean isContentful() {
        return type.startsWith("cf_");
    }

    public boolean needsFetch() {
        return payload == null;
    }

    public boolean needsEnvironmentName() {
        return environment == null && environmentUid != null;
    }

    public WorkItem withEnvironment(String name) {
        return new WorkItem(type, contentTypeUid, uid, locale, name, environmentUid, action, version, title, payload,
                eventTime);
    }

    /** The item with every text cut to what its result row holds, to record an item that cannot be applied. */
    public WorkItem truncated() {
        return new WorkItem(type, cut(contentTypeUid, 256), cut(uid, 256), cut(locale, 64), cut(environment, 256),
                cut(environmentUid, 256), cut(action, 32), version, cut(title, 1024), null, eventTime);
    }

    /** The cache key of this item in its environment and locale. */
    public String cacheKey() {
        if (isContentful()) {
            return CacheKeys.contentful(type, environment, locale, uid);
        }
        return isEntry() ? CacheKeys.entry(environment, locale, contentTypeUid, uid)
                : CacheKeys.asset(environment, locale, uid);
    }

    /**
     * Identifies the item's result row on its execution. The environment uid is preferred: it is known before the
     * name is looked up, so the key does not change when the lookup completes.
     */
    public String resultKey() {
        // a Contentful entry's content type may be learnt only from the CDA: the key must not change with it
        return String.join("|", type, isContentful() ? "" : nullToEmpty(contentTypeUid), nullToEmpty(uid), nullToEmpty(locale),
                nullToEmpty(environmentUid != null ? environmentUid : environment));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
