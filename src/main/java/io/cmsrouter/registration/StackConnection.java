package io.cmsrouter.registration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * What the router does about its webhook in the stack, decided once at start from {@link WebhookProperties} and the
 * management token: whether it registers the webhook, and whether it can read the webhook's executions log. A
 * setting that cannot work stops the start with a message naming it.
 */
@Component("stackConnection")
public class StackConnection {
    private final WebhookProperties webhook;
    private final boolean managed;
    private final boolean registers;
    private final boolean reconcilesOnSchedule;

    public StackConnection(WebhookProperties webhook,
                           @Value("${contentstack.management-token:}") String managementToken,
                           @Value("${router.reconcile.enabled:true}") boolean reconcileEnabled) {
        this.webhook = webhook;
        this.managed = !managementToken.isBlank();
        if (webhook.getName().isEmpty()) {
            throw new IllegalStateException("contentstack.webhook.name (CONTENTSTACK_WEBHOOK_NAME) is empty: the router"
                    + " finds its webhook in the stack by this name");
        }
        boolean hasUrl = !webhook.getUrl().isEmpty();
        if (hasUrl) {
            checkUrl(webhook.getUrl());
        }
        this.registers = switch (webhook.getRegister()) {
            case "" -> hasUrl && managed;
            case "true" -> {
                if (!hasUrl || !managed) {
                    throw new IllegalStateException("contentstack.webhook.register is true, but "
                            + (hasUrl ? "contentstack.management-token (CONTENTSTACK_MANAGEMENT_TOKEN)"
                            : "contentstack.webhook.url (CONTENTSTACK_WEBHOOK_URL)") + " is not set");
                }
                yield true;
            }
            case "false" -> false;
            default -> throw new IllegalStateException("contentstack.webhook.register must be true, false or empty,"
                    + " not '" + webhook.getRegister() + "'");
        };
        this.reconcilesOnSchedule = reconcileEnabled && managed;
    }

    private static void checkUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new URISyntaxException(url, "not an http(s) URL with a host");
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException("contentstack.webhook.url (CONTENTSTACK_WEBHOOK_URL) must be the public"
                    + " http(s) URL Contentstack calls, like https://router.example.com/webhooks/contentstack: "
                    + e.getMessage());
        }
    }

    public String name() {
        return webhook.getName();
    }

    /** A management token is set: the webhook can be read and its executions recovered. */
    public boolean managed() {
        return managed;
    }

    /** The router creates and updates its webhook (at start, on each reconciliation and on sync). */
    public boolean registers() {
        return registers;
    }

    /** The schedule reads the executions log (router.reconcile.enabled, and a management token). */
    public boolean reconcilesOnSchedule() {
        return reconcilesOnSchedule;
    }

    /** The schedule has something to do: sync the webhook, read its log, or both. */
    public boolean onSchedule() {
        return registers || reconcilesOnSchedule;
    }
}
