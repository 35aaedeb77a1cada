package io.cmsrouter.content;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One thing to apply to the cache: an entry or asset to publish, unpublish or delete in one environment and locale,
 * or a content type whose entries are deleted. {@code payload} is the full item when the webhook carried it; a
 * concise payload leaves it null and the item is fetched from the Content Delivery API.
 */
public record WorkItem(String type, String contentTypeUid, String uid, String locale, String environment,
                       String environmentUid, String action, Integer version, String title, JsonNode payload) {

    public static final String ENTRY = "entry";
    public static final String ASSET = "asset";
    public static final String CONTENT_TYPE = "content_type";

    public boolean isEntry() {
        return ENTRY.equals(type);
    }

    public boolean needsFetch() {
        return payload == null;
    }

    public boolean needsEnvironmentName() {
        return environment == null && environmentUid != null;
    }

    public WorkItem withEnvironment(String name) {
        return new WorkItem(type, contentTypeUid, uid, locale, name, environmentUid, action, version, title, payload);
    }

    /** The cache key of this item in its environment and locale. */
    public String cacheKey() {
        return isEntry() ? CacheKeys.entry(environment, locale, contentTypeUid, uid)
                : CacheKeys.asset(environment, locale, uid);
    }

    /** Identifies the item's result row on its execution. */
    public String resultKey() {
        return String.join("|", type, nullToEmpty(contentTypeUid), nullToEmpty(uid), nullToEmpty(locale),
                nullToEmpty(environment != null ? environment : environmentUid));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
