package io.cmsrouter.intake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 of a webhook without its triggered_at, with object keys in sorted order so field order does not matter.
 * The canonical JSON is streamed into the digest (no copy of the tree): the same bytes Jackson writes for the payload
 * as a key-sorted map, so fingerprints stored by earlier versions still match.
 */
@Component
public class Fingerprints {
    private static final JsonFactory JSON = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final OutputStream NOWHERE = OutputStream.nullOutputStream();

    public String of(JsonNode event) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (JsonGenerator out = JSON.createGenerator(new DigestOutputStream(NOWHERE, sha256))) {
                write(event, out, true);
            }
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sender's own event key (Contentful's idempotency key), kept apart from every body fingerprint. */
    public String ofKey(String source, String key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest((source + "|" + key).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static void write(JsonNode node, JsonGenerator out, boolean top) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            out.writeStartObject();
            for (String name : names) {
                if (!top || !name.equals("triggered_at")) {
                    out.writeFieldName(name);
                    write(node.get(name), out, false);
                }
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                write(element, out, false);
            }
            out.writeEndArray();
        } else if (node.isNull()) {
            out.writeNull();
        } else {
            // text, numbers and booleans, as Jackson writes them
            node.serialize(out, null);
        }
    }
}
