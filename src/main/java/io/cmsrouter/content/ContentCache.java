package io.cmsrouter.content;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

import java.util.concurrent.TimeUnit;

/**
 * The Caffeine caches: {@code content} (cached items' JSON, in front of {@link ContentStore}) and {@code lookups}
 * (the environment uid -> name lookup, used by the routes through {@code caffeine-cache:lookups}).
 */
@Configuration(proxyBeanMethods = false)
public class ContentCache {
    /** Roughly what an entry costs besides its JSON: the key's characters, the arrays' and the cache's nodes. */
    static final int ENTRY_OVERHEAD = 96;

    /**
     * Bounded by weight, not by count, so memory stays flat whatever the size of the items: an entry weighs its
     * JSON's bytes plus its key. It is filled by reads only (a write invalidates), so a big job does not fill it
     * either. What is evicted is read back from the store on the next read.
     */
    @Bean("content")
    public Cache<String, byte[]> content(@Value("${router.cache.max-size}") DataSize maxSize) {
        return Caffeine.newBuilder().maximumWeight(maxSize.toBytes())
                .weigher((String key, byte[] json) -> weight(key, json)).build();
    }

    static int weight(String key, byte[] json) {
        return ENTRY_OVERHEAD + 2 * key.length() + json.length;
    }

    @Bean("lookups")
    public Cache<String, Object> lookups(@Value("${router.cache.lookup-ttl}") java.time.Duration ttl) {
        return Caffeine.newBuilder().expireAfterWrite(ttl.toMillis(), TimeUnit.MILLISECONDS).maximumSize(100).build();
    }
}
