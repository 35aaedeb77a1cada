package io.cmsrouter.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cmsrouter.security.SecurityProperties;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The webhook the router wants in its stack, in the CMA's shape: the router's public URL with the very destination
 * credentials its verifier checks (router.security.basic, bearer-token, headers), so the two cannot drift apart; the
 * channels of {@link RuleChannels}; the branch of contentstack.branch; automatic retries; enabled.
 * <p>
 * Contentstack masks secrets in every answer, so whether the stack still has the router's secrets is known by a
 * digest of those the router last sent ({@link RegisteredWebhook}): a changed secret, or a webhook the router never
 * wrote, is updated once.
 */
@Component("wantedWebhook")
public class WantedWebhook {
    static final String MASK = "********";

    private final WebhookProperties webhook;
    private final SecurityProperties security;
    private final RuleChannels ruleChannels;
    private final String branch;
    private final String managementToken;
    private final ObjectMapper mapper;

    public WantedWebhook(WebhookProperties webhook, SecurityProperties security, RuleChannels ruleChannels,
                         @Value("${contentstack.branch}") String branch,
                         @Value("${contentstack.management-token:}") String managementToken, ObjectMapper mapper) {
        this.webhook = webhook;
        this.security = security;
        this.ruleChannels = ruleChannels;
        this.branch = branch;
        this.managementToken = managementToken;
        this.mapper = mapper;
    }

    /** One way Contentstack's webhook differs from the router's, both sides masked. */
    public record Difference(String field, JsonNode contentstack, JsonNode router) {
    }

    /** The webhook, with its secrets, as the body of a create or update; notifiers set in Contentstack are kept. */
    public String requestBody(@ExchangeProperty("webhook") JsonNode existing) {
        ObjectNode wanted = build(true);
        if (existing != null && existing.path("notifiers").isArray()) {
            wanted.set("notifiers", existing.get("notifiers"));
        }
        return mapper.createObjectNode().set("webhook", wanted).toString();
    }

    /** The webhook as the router wants it, secrets masked. */
    public ObjectNode masked() {
        return build(false);
    }

    /** How {@code existing} (as Contentstack answers it) differs from what the router wants. */
    public List<Difference> differences(JsonNode existing, boolean secretsInStack) {
        ObjectNode want = build(false);
        List<Difference> out = new ArrayList<>();
        JsonNode destinations = existing.path("destinations");
        JsonNode have = destinations.path(0);
        JsonNode wantDestination = want.path("destinations").path(0);
        if (destinations.size() != 1) {
            out.add(new Difference("destinations", mapper.valueToTree(destinations.size()), mapper.valueToTree(1)));
        }
        if (!text(have, "target_url").equals(webhook.getUrl())) {
            out.add(new Difference("destinations[0].target_url", new TextNode(publicUrl(text(have, "target_url"))),
                    new TextNode(publicUrl(webhook.getUrl()))));
        }
        for (String field : List.of("authentication_type", "http_basic_auth")) {
            compare("destinations[0]." + field, text(have, field), text(wantDestination, field), out);
        }
        Map<String, String> haveHeaders = headers(have);
        Map<String, String> wantHeaders = headers(wantDestination);
        if (!haveHeaders.keySet().equals(wantHeaders.keySet())) {
            out.add(new Difference("destinations[0].custom_header", mapper.valueToTree(haveHeaders.keySet()),
                    mapper.valueToTree(wantHeaders.keySet())));
        }
        if (!secretsInStack) {
            out.add(new Difference("destinations[0] secrets", new TextNode("not the router's, or not known to be"),
                    new TextNode(MASK)));
        }
        if (!new TreeSet<>(strings(existing.path("channels"))).equals(new TreeSet<>(strings(want.path("channels"))))) {
            out.add(new Difference("channels", existing.path("channels"), want.path("channels")));
        }
        if (!new TreeSet<>(strings(existing.path("branches"))).equals(new TreeSet<>(strings(want.path("branches"))))) {
            out.add(new Difference("branches", existing.path("branches"), want.path("branches")));
        }
        if (existing.path("unhealthy").path("state").asBoolean(false)) {
            // Contentstack's circuit breaker stopped the deliveries; writing the webhook again enables it
            out.add(new Difference("unhealthy", existing.path("unhealthy"), mapper.createObjectNode().put("state", false)));
        }
        for (String field : List.of("retry_policy", "disabled", "concise_payload")) {
            if (!existing.path(field).asText().equals(want.path(field).asText())) {
                out.add(new Difference(field, existing.path(field), want.path(field)));
            }
        }
        return out;
    }

    /**
     * A salted digest of the destination secrets the router sends ({@code salt:hmac}), to tell later whether the
     * stack still has them without keeping them. Keyed with the management token, which is not in the database, so
     * the database alone does not allow guessing the secrets.
     */
    public String secretsDigest(String salt) {
        Map<String, String> secrets = new TreeMap<>(security.getHeaders());
        secrets.put(" basic", security.getBasic().getUser() + ":" + security.getBasic().getPassword());
        secrets.put(" bearer", security.getBearerToken());
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(("cms-webhook-router:" + managementToken).getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return salt + ":" + HexFormat.of().formatHex(hmac.doFinal((salt + secrets).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether a digest made by {@link #secretsDigest} is of the secrets the router sends now. */
    public boolean sameSecrets(String digest) {
        return digest != null && digest.contains(":")
                && secretsDigest(digest.substring(0, digest.indexOf(':'))).equals(digest);
    }

    /** A URL without what may be secret in it: user info and query. */
    static String publicUrl(String url) {
        try {
            URI uri = new URI(url);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return MASK;
        }
    }

    /** A webhook as Contentstack answers it, with any secret it did not mask masked. */
    public static JsonNode mask(JsonNode webhook) {
        if (webhook == null || !webhook.isObject()) {
            return webhook;
        }
        ObjectNode copy = webhook.deepCopy();
        for (JsonNode destination : copy.path("destinations")) {
            if (destination.hasNonNull("target_url")) {
                ((ObjectNode) destination).put("target_url", publicUrl(destination.path("target_url").asText()));
            }
            for (String secret : List.of("http_basic_password", "bearer_token", "client_secret")) {
                if (!destination.path(secret).asText().isEmpty()) {
                    ((ObjectNode) destination).put(secret, MASK);
                }
            }
            for (JsonNode header : destination.path("custom_header")) {
                if (!header.path("value").asText().isEmpty()) {
                    ((ObjectNode) header).put("value", MASK);
                }
            }
        }
        return copy;
    }

    private ObjectNode build(boolean withSecrets) {
        ObjectNode wanted = mapper.createObjectNode().put("name", webhook.getName());
        ObjectNode destination = wanted.putArray("destinations").addObject()
                .put("target_url", withSecrets ? webhook.getUrl() : publicUrl(webhook.getUrl()));
        SecurityProperties.Basic basic = security.getBasic();
        if (!basic.getUser().isEmpty()) {
            destination.put("authentication_type", "Basic").put("http_basic_auth", basic.getUser())
                    .put("http_basic_password", withSecrets ? basic.getPassword() : MASK);
        } else if (!security.getBearerToken().isEmpty()) {
            destination.put("authentication_type", "Bearer")
                    .put("bearer_token", withSecrets ? security.getBearerToken() : MASK);
        } else {
            destination.put("authentication_type", "None");
        }
        ArrayNode headers = destination.putArray("custom_header");
        security.getHeaders().forEach((name, value) ->
                headers.addObject().put("header_name", name).put("value", withSecrets ? value : MASK));
        ArrayNode channels = wanted.putArray("channels");
        ruleChannels.subscription().channels().forEach(channels::add);
        wanted.putArray("branches").add(branch);
        wanted.put("retry_policy", "automatic").put("disabled", false)
                .put("concise_payload", webhook.isConcisePayload());
        return wanted;
    }

    private void compare(String field, String have, String want, List<Difference> out) {
        if (!have.equals(want)) {
            out.add(new Difference(field, new TextNode(have), new TextNode(want)));
        }
    }

    /** Header names and values; the empty placeholder Contentstack keeps when there are none is no header. */
    private static Map<String, String> headers(JsonNode destination) {
        Map<String, String> headers = new TreeMap<>();
        for (JsonNode header : destination.path("custom_header")) {
            String name = header.path("header_name").asText();
            if (!name.isEmpty()) {
                headers.put(name, header.path("value").asText());
            }
        }
        return headers;
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asText("");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(element -> out.add(element.asText()));
        return out;
    }
}
