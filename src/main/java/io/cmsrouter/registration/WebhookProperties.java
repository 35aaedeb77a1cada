package io.cmsrouter.registration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/** {@code contentstack.webhook.*}: the webhook the router registers in its stack (README "Connecting a stack"). */
@ConfigurationProperties("contentstack.webhook")
public class WebhookProperties {
    /** The public URL Contentstack calls: https://.../webhooks/contentstack. */
    private String url = "";
    private String name = "cms-webhook-router";
    /** true, false, or empty: register when a URL and a management token are set. */
    private String register = "";
    /** The channels to subscribe to; empty: derived from the router's rules. */
    private List<String> channels = new ArrayList<>();
    /** Contentstack sends a concise payload (uids only); the full one spares a CDA call per single-item event. */
    private boolean concisePayload;

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url == null ? "" : url.trim(); }
    public String getName() { return name; }
    public void setName(String name) { this.name = name == null ? "" : name.trim(); }
    public String getRegister() { return register; }
    public void setRegister(String register) { this.register = register == null ? "" : register.trim(); }
    public List<String> getChannels() { return channels; }
    public void setChannels(List<String> channels) { this.channels = channels; }
    public boolean isConcisePayload() { return concisePayload; }
    public void setConcisePayload(boolean concisePayload) { this.concisePayload = concisePayload; }
}
