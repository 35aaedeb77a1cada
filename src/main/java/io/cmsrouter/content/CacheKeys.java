package io.cmsrouter.content;

import org.apache.camel.Header;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Cache keys: {@code entry|env|locale|content_type|uid} and {@code asset|env|locale|uid}. The environment is the
 * environment <em>name</em>, as the Content Delivery API takes it. A request without a locale means the master locale.
 */
@Component("cacheKeys")
public class CacheKeys {
    static final String SEP = "|";
    private final String masterLocale;

    public CacheKeys(@Value("${contentstack.master-locale}") String masterLocale) {
        this.masterLocale = masterLocale;
    }

    public static String entry(String environment, String locale, String contentTypeUid, String uid) {
        return String.join(SEP, WorkItem.ENTRY, environment, locale, contentTypeUid, uid);
    }

    public static String asset(String environment, String locale, String uid) {
        return String.join(SEP, WorkItem.ASSET, environment, locale, uid);
    }

    /** {@code cf_entry|env|locale|id} or {@code cf_asset|env|locale|id}: Contentful ids are unique per environment. */
    public static String contentful(String type, String environment, String locale, String id) {
        return String.join(SEP, type, environment, locale, id);
    }

    /** The key asked for by {@code GET /cache/entries/{ct}/{uid}} or {@code GET /cache/assets/{uid}}. */
    public String forRequest(@Header("environment") String environment, @Header("locale") String locale,
                             @Header("contentTypeUid") String contentTypeUid, @Header("uid") String uid) {
        if (environment == null || environment.isBlank()) {
            throw new IllegalArgumentException("query parameter 'environment' is required");
        }
        String effectiveLocale = locale == null || locale.isBlank() ? masterLocale : locale;
        return contentTypeUid == null ? asset(environment, effectiveLocale, uid)
                : entry(environment, effectiveLocale, contentTypeUid, uid);
    }

    public String masterLocale() {
        return masterLocale;
    }
}
