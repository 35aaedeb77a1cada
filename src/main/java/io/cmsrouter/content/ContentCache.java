package io.cmsrouter.content;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.TimeUnit;

/**
 * The Caffeine caches the routes use through {@code caffeine-cache:content} (reads, in front of {@link ContentStore})
 * and {@code caffeine-cache:lookups} (the environment uid -> name lookup).
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
}
