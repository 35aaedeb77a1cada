package io.cmsrouter.security;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signs a request as Contentful does, for HTTP tests that need fresh timestamps. The canonical form is the one
 * {@link ContentfulSignaturesTest} checks against Contentful's own toolkit.
 */
public final class ContentfulSigner {
    private ContentfulSigner() {
    }

    /** The signature headers for a POST to {@code path} with these headers (all of them signed) and body. */
    public static Map<String, String> sign(String secret, String path, Map<String, String> headers, String body,
                                           long timestampMillis) throws Exception {
        Map<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(), value.trim()));
        signed.put(ContentfulSignatures.TIMESTAMP, Long.toString(timestampMillis));
        signed.put(ContentfulSignatures.SIGNED_HEADERS, "");
        String list = String.join(",", signed.keySet());
        signed.put(ContentfulSignatures.SIGNED_HEADERS, list);
        byte[] signature = ContentfulSignatures.hmac(secret.getBytes(StandardCharsets.UTF_8),
                ContentfulSignatures.canonicalPrefix("POST", path, signed), body.getBytes(StandardCharsets.UTF_8));
        return Map.of(ContentfulSignatures.SIGNATURE, HexFormat.of().formatHex(signature),
                ContentfulSignatures.SIGNED_HEADERS, list,
                ContentfulSignatures.TIMESTAMP, Long.toString(timestampMillis));
    }
}
