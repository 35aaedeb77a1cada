package io.cmsrouter.contentful;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;

/**
 * {@code contentful.*}: the space the router serves, its API tokens and URLs, and how its webhooks are verified.
 *
 * @param signingSecrets the space's request-signing secrets; several while one is rotated out
 * @param publicPath     the path Contentful calls, which it signs: set it when a proxy rewrites the path
 * @param timeToLive     how far a request's {@code x-contentful-timestamp} may be from now
 * @param defaultLocale  the locale of cache reads that name none; empty: the space's default, read from the CDA
 */
@ConfigurationProperties("contentful")
public record ContentfulProperties(String spaceId, String deliveryToken, String managementToken, String cdaUrl,
                                   String cmaUrl, List<String> signingSecrets, String publicPath,
                                   Duration timeToLive, String defaultLocale) {
    public ContentfulProperties {
        signingSecrets = signingSecrets == null ? List.of()
                : signingSecrets.stream().filter(s -> s != null && !s.isBlank()).toList();
    }
}
