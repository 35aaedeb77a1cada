package io.cmsrouter.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Contentful's request signing, as its webhooks and {@code @contentful/node-apps-toolkit} do it:
 * {@code x-contentful-signature} is the hex HMAC-SHA256 of {@code METHOD\nPATH\nHEADERS\nBODY}, where HEADERS are the
 * headers named in {@code x-contentful-signed-headers} (itself and {@code x-contentful-timestamp} always among
 * them), names lowercased, values trimmed, sorted by name and joined as {@code name:value} with {@code ;}, and PATH is
 * the path the sender called with its query escaped twice (the toolkit's {@code querystring.escape}, then
 * {@code encodeURI}). A request is refused when no configured secret matches or its timestamp (milliseconds) is
 * further than the time-to-live from now.
 */
public final class ContentfulSignatures {
    public static final String SIGNATURE = "x-contentful-signature";
    public static final String SIGNED_HEADERS = "x-contentful-signed-headers";
    public static final String TIMESTAMP = "x-contentful-timestamp";
    /** Secrets tried per request at most: enough for a rotation, not a work multiplier. */
    static final int MAX_SECRETS = 4;

    private final List<byte[]> secrets;
    private final Duration timeToLive;

    public ContentfulSignatures(List<String> secrets, Duration timeToLive) {
        this.secrets = secrets.stream().limit(MAX_SECRETS).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.timeToLive = timeToLive;
    }

    /**
     * @param path    the path and raw query as the sender called them (still percent-encoded)
     * @param headers the request's headers, names in any case
     * @throws WebhookRejectedException with a reason that names no secret
     */
    public void verify(String method, String path, Map<String, String> headers, byte[] body, Instant now) {
        Map<String, String> normalized = new TreeMap<>();
        headers.forEach((name, value) -> normalized.put(name.trim().toLowerCase(Locale.ROOT), value == null ? "" : value.trim()));
        String signature = normalized.get(SIGNATURE);
        String signedList = normalized.get(SIGNED_HEADERS);
        String timestamp = normalized.get(TIMESTAMP);
        if (signature == null || signedList == null || timestamp == null) {
            throw new WebhookRejectedException("signature-missing",
                    "Contentful signature headers missing: " + SIGNATURE + ", " + SIGNED_HEADERS + " and " + TIMESTAMP
                            + " are required");
        }
        Instant signedAt = signedAt(timestamp);
        if (Duration.between(signedAt, now).abs().compareTo(timeToLive) >= 0) {
            throw new WebhookRejectedException("replay",
                    TIMESTAMP + " is more than " + timeToLive.toSeconds() + "s from now");
        }
        String prefix = canonicalPrefix(method, path, signedHeaders(signedList, normalized));
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(signature.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new WebhookRejectedException("signature-malformed", SIGNATURE + " is not hex");
        }
        for (byte[] secret : secrets) {
            if (MessageDigest.isEqual(hmac(secret, prefix, body), expected)) {
                return;
            }
        }
        throw new WebhookRejectedException("signature-invalid",
                "Contentful signature does not match any configured signing secret");
    }

    private static Instant signedAt(String timestamp) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(timestamp));
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException("signature-malformed", TIMESTAMP + " is not milliseconds");
        }
    }

    /** The signed headers, sorted by name; the list itself is signed as the sorted names, as the signer wrote it. */
    private static Map<String, String> signedHeaders(String signedList, Map<String, String> normalized) {
        Map<String, String> signed = new TreeMap<>();
        for (String raw : signedList.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || name.equals(SIGNATURE)) {
                continue;
            }
            String value = normalized.get(name);
            if (value == null) {
                throw new WebhookRejectedException("signature-invalid",
                        "signed header '" + name + "' is not in the request");
            }
            signed.put(name, value);
        }
        if (!signed.containsKey(TIMESTAMP) || !signed.containsKey(SIGNED_HEADERS)) {
            throw new WebhookRejectedException("signature-invalid",
                    SIGNED_HEADERS + " must name " + TIMESTAMP + " and itself");
        }
        signed.put(SIGNED_HEADERS, String.join(",", signed.keySet()));
        return signed;
    }

    /** {@code METHOD\nPATH\nHEADERS\n}: the canonical request up to its body, which is signed as the bytes received. */
    static String canonicalPrefix(String method, String path, Map<String, String> sortedHeaders) {
        List<String> headers = new ArrayList<>();
        sortedHeaders.forEach((name, value) -> headers.add(name + ":" + value));
        return method + "\n" + canonicalPath(path) + "\n" + String.join(";", headers) + "\n";
    }

    /** The toolkit's normalisation: the query escaped as a component, then the whole escaped as a URI. */
    static String canonicalPath(String path) {
        int q = path.indexOf('?');
        String pathname = q < 0 ? path : path.substring(0, q);
        String query = q < 0 ? "" : path.substring(q + 1);
        int next = query.indexOf('?');
        if (next >= 0) {
            // the toolkit splits on every '?' and keeps the first two parts
            query = query.substring(0, next);
        }
        return escape(query.isEmpty() ? pathname : pathname + "?" + escape(query, COMPONENT_SAFE), URI_SAFE);
    }

    /** What Node's {@code querystring.escape} leaves as it is. */
    private static final String COMPONENT_SAFE = "-_.!~*'()";
    /** What {@code encodeURI} leaves as it is, besides letters and digits. */
    private static final String URI_SAFE = "-_.!~*'();/?:@&=+$,#";

    private static String escape(String text, String safe) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || safe.indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return out.toString();
    }

    static byte[] hmac(byte[] secret, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
