package io.cmsrouter.content;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The Caffeine caches the routes use through {@code caffeine-cache:content} and {@code caffeine-cache:lookups}, and
 * the evictions that match many keys at once (a deleted entry in every environment and locale, a deleted content
 * type's entries), which the single-key cache component cannot express.
 */
@Configuration(proxyBeanMethods = false)
public class ContentCache {

    @Bean("content")
    public Cache<String, String> content(@Value("${router.cache.max-entries}") long maxEntries) {
        return Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    @Bean("lookups")
    public Cache<String, Object> lookups(@Value("${router.cache.lookup-ttl}") java.time.Duration ttl) {
        return Caffeine.newBuilder().expireAfterWrite(ttl.toMillis(), TimeUnit.MILLISECONDS).maximumSize(100).build();
    }

    @Bean("contentEvictions")
    public Evictions evictions(Cache<String, String> content) {
        return new Evictions(content);
    }

    /** Evictions over many keys. */
    public static final class Evictions {
        private final Cache<String, String> content;

        Evictions(Cache<String, String> content) {
            this.content = content;
        }

        /** Removes the item (entry or asset) in every environment and locale; a content type removes all its entries. */
        public int evictEverywhere(@ExchangeProperty("item") WorkItem item) {
            return switch (item.type()) {
                case WorkItem.CONTENT_TYPE -> removeIf(k -> k.length == 5 && k[0].equals(WorkItem.ENTRY)
                        && k[3].equals(item.contentTypeUid()));
                case WorkItem.ENTRY -> removeIf(k -> k.length == 5 && k[0].equals(WorkItem.ENTRY)
                        && k[3].equals(item.contentTypeUid()) && k[4].equals(item.uid()));
                default -> removeIf(k -> k.length == 4 && k[0].equals(WorkItem.ASSET) && k[3].equals(item.uid()));
            };
        }

        private int removeIf(Predicate<String[]> matchesKey) {
            int[] removed = {0};
            content.asMap().keySet().removeIf(key -> {
                boolean match = matchesKey.test(key.split("\\" + CacheKeys.SEP, -1));
                if (match) {
                    removed[0]++;
                }
                return match;
            });
            return removed[0];
        }
    }
}
