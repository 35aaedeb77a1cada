package io.cmsrouter.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.common.Timestamps;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Checks that a webhook comes from our stack, before anything is stored:
 * <ul>
 *   <li>destination credentials as Contentstack sends them: Basic, Bearer, custom headers (constant-time);</li>
 *   <li>with {@code router.security.signature=required}: {@code X-Contentstack-Request-Signature: v1=<base64>}
 *   (RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, over the raw body, else its compact re-serialisation) or
 *   {@code x-contentstack-hmac-signature: t=..,v1=<hex>[,v1=..]} (HMAC-SHA256 of "{t}.{body}", any configured
 *   secret), and a {@code triggered_at} within the replay tolerance.</li>
 * </ul>
 * Every refusal is a 401 whose reason names no secret, is logged, and is counted in
 * {@code router.webhooks.rejected{reason}}.
 */
@Component("verifier")
public class WebhookVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookVerifier.class);
    static final String RSA_HEADER = "X-Contentstack-Request-Signature";
    static final String HMAC_HEADER = "x-contentstack-hmac-signature";
    /** Signature values checked per request at most: enough for a key or secret rotation, not a work multiplier. */
    static final int MAX_SIGNATURES = 4;
    /** One keyed Mac per configured secret (a handful), cloned for each check. */
    private static final Map<String, Mac> KEYED_MACS = new java.util.concurrent.ConcurrentHashMap<>();

    private final SecurityProperties security;
    private final PublicKeys keys;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;

    public WebhookVerifier(SecurityProperties security, PublicKeys keys, ObjectMapper mapper, MeterRegistry meters) {
        this.security = security;
        this.keys = keys;
        this.mapper = mapper;
        this.meters = meters;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void warnWhenOff() {
        if (!signaturesRequired()) {
            LOG.warn("*** router.security.signature=off: webhooks are NOT checked for Contentstack's signature."
                    + " Anyone who can reach POST /webhooks/contentstack can change the cache. ***");
        }
    }

    /** Destination credentials and signature, on the raw body. */
    public void verify(@Body byte[] received, @Header("Authorization") String authorization,
                       @Header(RSA_HEADER) String rsaSignature, @Header(HMAC_HEADER) String hmacSignature,
                       org.apache.camel.Exchange exchange) {
        byte[] body = received == null ? new byte[0] : received;
        checkDestinationAuth(authorization, exchange);
        if (!signaturesRequired()) {
            return;
        }
        if (hmacSignature != null && !security.getHmacSecrets().isEmpty()) {
            checkHmac(body, hmacSignature);
        } else if (rsaSignature != null) {
            checkRsa(body, rsaSignature);
        } else {
            throw reject("signature-missing", "the webhook carries no signature (" + RSA_HEADER
                    + (security.getHmacSecrets().isEmpty() ? "" : " or " + HMAC_HEADER) + ")");
        }
    }

    /** With signatures on, triggered_at must be present and within the replay tolerance of now. */
    public void checkFresh(@Body JsonNode event) {
        if (!signaturesRequired()) {
            return;
        }
        JsonNode triggeredAt = event.get("triggered_at");
        Instant at;
        try {
            at = Timestamps.parse(triggeredAt == null ? "" : triggeredAt.asText());
        } catch (DateTimeParseException e) {
            throw reject("replay", "triggered_at is missing or not an ISO timestamp");
        }
        if (!withinTolerance(at)) {
            throw reject("replay", "triggered_at is outside the replay tolerance of " + security.getReplayTolerance());
        }
    }

    /** The destination credentials configured for the webhook (Basic, Bearer, custom headers), for any source. */
    public void checkDestinationAuth(String authorization, org.apache.camel.Exchange exchange) {
        List<String> accepted = new ArrayList<>();
        SecurityProperties.Basic basic = security.getBasic();
        if (!basic.getUser().isBlank()) {
            accepted.add("Basic " + Base64.getEncoder().encodeToString(
                    (basic.getUser() + ":" + basic.getPassword()).getBytes(StandardCharsets.UTF_8)));
        }
        if (!security.getBearerToken().isBlank()) {
            accepted.add("Bearer " + security.getBearerToken());
        }
        if (!accepted.isEmpty() && accepted.stream().noneMatch(a -> HttpHygieneFilter.same(a,
                authorization == null ? null : authorization.trim()))) {
            throw reject("destination-auth", "Authorization is missing or wrong");
        }
        for (Map.Entry<String, String> expected : security.getHeaders().entrySet()) {
            String given = exchange.getMessage().getHeader(expected.getKey(), String.class);
            if (!HttpHygieneFilter.same(expected.getValue(), given)) {
                throw reject("destination-auth", "header " + expected.getKey() + " is missing or wrong");
            }
        }
    }

    private void checkRsa(byte[] body, String header) {
        PublicKey key = keys.current();
        List<byte[]> signatures = rsaSignatures(header, key);
        if (signatures.isEmpty()) {
            throw reject("signature-malformed", RSA_HEADER + " has no v1=<base64> value of a signature's length");
        }
        if (key != null && rsaMatches(key, body, signatures)) {
            return;
        }
        // the key may have been rotated: fetch it again (rate-limited) and try once more
        PublicKey refreshed = keys.refresh();
        if (refreshed == null) {
            throw reject("signing-key-unavailable", "the signing key could not be fetched to check the signature");
        }
        if (refreshed != key && rsaMatches(refreshed, body, signatures)) {
            return;
        }
        throw reject("signature-invalid", "the signature does not match the body");
    }

    /**
     * The v1 values worth checking: base64 of exactly the key's signature length, at most a few (rotation needs two).
     * Each check costs a hash of the whole body, so a header stuffed with values must not multiply that work.
     */
    private static List<byte[]> rsaSignatures(String header, PublicKey key) {
        int length = key instanceof java.security.interfaces.RSAPublicKey rsa ? (rsa.getModulus().bitLength() + 7) / 8 : -1;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals("v1") && signatures.size() < MAX_SIGNATURES) {
                try {
                    byte[] signature = Base64.getDecoder().decode(part.substring(eq + 1).trim());
                    if (length < 0 ? signature.length > 0 : signature.length == length) {
                        signatures.add(signature);
                    }
                } catch (IllegalArgumentException notBase64) {
                    // a malformed value cannot match; the others may
                }
            }
        }
        return signatures;
    }

    private boolean rsaMatches(PublicKey key, byte[] body, List<byte[]> signatures) {
        byte[] compact = compact(body);
        for (byte[] signature : signatures) {
            if (rsaValid(key, body, signature) || compact != null && rsaValid(key, compact, signature)) {
                return true;
            }
        }
        return false;
    }

    private static boolean rsaValid(PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The body as Node's JSON.stringify(JSON.parse(body)) writes it, which Contentstack's Node sample signs. */
    private byte[] compact(byte[] body) {
        try {
            return mapper.writeValueAsBytes(mapper.readTree(body));
        } catch (Exception notJson) {
            return null;
        }
    }

    private void checkHmac(byte[] body, String header) {
        String timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                String name = part.substring(0, eq).trim();
                String value = part.substring(eq + 1).trim();
                if (name.equals("t")) {
                    timestamp = value;
                } else if (name.equals("v1") && signatures.size() < MAX_SIGNATURES) {
                    signatures.add(value.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw reject("signature-malformed", HMAC_HEADER + " must be t=<unix seconds>,v1=<hex>");
        }
        try {
            if (!withinTolerance(Instant.ofEpochSecond(Long.parseLong(timestamp)))) {
                throw reject("replay", "the HMAC timestamp is outside the replay tolerance");
            }
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw reject("signature-malformed", "the HMAC timestamp is not a time in unix seconds");
        }
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        for (String secret : security.getHmacSecrets()) {
            String expected = hmacHex(secret, prefix, body);
            if (signatures.stream().anyMatch(s -> HttpHygieneFilter.same(expected, s))) {
                return;
            }
        }
        throw reject("signature-invalid", "the HMAC signature does not match the body");
    }

    static String hmacHex(String secret, byte[] prefix, byte[] body) {
        try {
            // a keyed Mac is cloned rather than made and keyed again: that costs more than hashing a webhook
            Mac mac = (Mac) KEYED_MACS.computeIfAbsent(secret, WebhookVerifier::keyedMac).clone();
            mac.update(prefix);
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("HmacSHA256 cannot be cloned", e);
        }
    }

    private static Mac keyedMac(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private boolean withinTolerance(Instant at) {
        return Duration.between(at, Instant.now()).abs().compareTo(security.getReplayTolerance()) <= 0;
    }

    public boolean signaturesRequired() {
        return security.getSignature() == SecurityProperties.Signature.REQUIRED;
    }

    private WebhookRejectedException reject(String metricReason, String reason) {
        meters.counter("router.webhooks.rejected", "reason", metricReason).increment();
        return new WebhookRejectedException(metricReason, reason);
    }
}
