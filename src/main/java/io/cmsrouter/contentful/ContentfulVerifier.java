package io.cmsrouter.contentful;

import io.cmsrouter.security.ContentfulSignatures;
import io.cmsrouter.security.WebhookRejectedException;
import io.cmsrouter.security.WebhookVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks that a webhook comes from our Contentful space, before anything is stored: the destination credentials
 * configured for the router (as for Contentstack), then, with {@code router.security.signature=required}, Contentful's
 * request signature over the path Contentful called ({@code contentful.public-path} and the query) with any of
 * {@code contentful.signing-secrets}. Every refusal is a 401 counted in {@code router.webhooks.rejected{reason}}.
 */
@Component("contentfulVerifier")
public class ContentfulVerifier {
    private final ContentfulProperties contentful;
    private final WebhookVerifier webhooks;
    private final MeterRegistry meters;
    private final ContentfulSignatures signatures;

    public ContentfulVerifier(ContentfulProperties contentful, WebhookVerifier webhooks, MeterRegistry meters) {
        this.contentful = contentful;
        this.webhooks = webhooks;
        this.meters = meters;
        this.signatures = new ContentfulSignatures(contentful.signingSecrets(), contentful.timeToLive());
    }

    public void verify(@Body byte[] body, @Header("Authorization") String authorization,
                       @Header(Exchange.HTTP_QUERY) String query, Exchange exchange) {
        webhooks.checkDestinationAuth(authorization, exchange);
        if (!webhooks.signaturesRequired()) {
            return;
        }
        try {
            if (contentful.signingSecrets().isEmpty()) {
                throw new WebhookRejectedException("signature-unconfigured",
                        "contentful.signing-secrets is not set, so no Contentful webhook can be verified");
            }
            String path = contentful.publicPath() + (query == null || query.isEmpty() ? "" : "?" + query);
            signatures.verify("POST", path, textHeaders(exchange.getMessage().getHeaders()), body, Instant.now());
        } catch (WebhookRejectedException e) {
            meters.counter("router.webhooks.rejected", "reason", e.getMetricReason()).increment();
            throw e;
        }
    }

    /** HTTP headers as text; Camel's own headers are not the sender's. */
    private static Map<String, String> textHeaders(Map<String, Object> headers) {
        Map<String, String> text = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!name.startsWith("Camel") && value != null) {
                text.put(name, value.toString());
            }
        });
        return text;
    }
}
