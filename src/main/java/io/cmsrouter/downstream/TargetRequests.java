package io.cmsrouter.downstream;

import io.cmsrouter.downstream.DownstreamProperties.Target;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** The HTTP request of one delivery attempt to a target: its payload, headers, credentials and signature. */
@Component("targetRequests")
public class TargetRequests {
    private final Targets targets;
    private final OAuth2Tokens tokens;

    public TargetRequests(Targets targets, OAuth2Tokens tokens) {
        this.targets = targets;
        this.tokens = tokens;
    }

    /**
     * Makes the request for one attempt: the payload as body, the target's headers and credentials, and a fresh
     * Standard Webhooks signature (webhook-id stays the notification's on every attempt; the timestamp is now's).
     */
    public void prepare(@ExchangeProperty("notification") Deliveries.Notification notification, Exchange exchange)
            throws IOException {
        Target target = targets.find(notification.target()).orElseThrow();
        byte[] body = notification.payload();
        Message message = exchange.getMessage();
        message.removeHeaders("*", "CamelRedelivery.*");
        target.getHeaders().forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        String query = URI.create(target.getUrl()).getRawQuery();
        if (query != null) {
            message.setHeader(Exchange.HTTP_QUERY, query);
        }
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        String authorization = authorization(target);
        if (authorization != null) {
            message.setHeader("Authorization", authorization);
        }
        long timestamp = Instant.now().getEpochSecond();
        message.setHeader(StandardWebhooks.ID, notification.uid());
        message.setHeader(StandardWebhooks.TIMESTAMP, Long.toString(timestamp));
        message.setHeader(StandardWebhooks.SIGNATURE,
                StandardWebhooks.signature(target.signingKey(), notification.uid(), timestamp, body));
        message.setBody(body);
    }

    /** The URL up to its path: what may be shown and logged (a query or user info may hold a secret). */
    public static String withoutQuery(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private String authorization(Target target) throws IOException {
        DownstreamProperties.Auth auth = target.getAuth();
        return switch (auth.getType()) {
            case NONE -> null;
            case BASIC -> "Basic " + Base64.getEncoder().encodeToString(
                    (auth.getUser() + ":" + (auth.getPassword() == null ? "" : auth.getPassword()))
                            .getBytes(StandardCharsets.UTF_8));
            case BEARER -> "Bearer " + auth.getToken();
            case OAUTH2 -> "Bearer " + tokens.token(target.getName(), auth);
        };
    }
}
