package io.cmsrouter.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The streamed fingerprint is the one earlier versions stored, so redeliveries across an upgrade are still caught. */
class FingerprintsTest {
    private final ObjectMapper json = new ObjectMapper();
    private final Fingerprints fingerprints = new Fingerprints();

    /** How the previous release computed it: the payload without triggered_at, as a key-sorted map, hashed. */
    private static String previousRelease(JsonNode event) throws Exception {
        ObjectMapper sorted = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        ObjectNode copy = event.deepCopy();
        copy.remove("triggered_at");
        byte[] canonical = sorted.writeValueAsString(sorted.convertValue(copy, Map.class)).getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    }

    @Test
    void everyFixtureHasTheFingerprintThePreviousReleaseGaveIt() throws Exception {
        List<Path> payloads;
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("src/test/resources/webhooks")), Files.list(Path.of("examples")))) {
            payloads = files.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertThat(payloads).hasSizeGreaterThan(10);
        for (Path payload : payloads) {
            JsonNode event = json.readTree(payload.toFile());
            assertThat(fingerprints.of(event)).as(payload.toString()).isEqualTo(previousRelease(event));
        }
    }

    @Test
    void fieldOrderNestedNullsNumbersAndUnicodeAreCanonical() throws Exception {
        JsonNode a = json.readTree("{\"b\": [1, 2.5, null, true], \"a\": {\"z\": \"é\\u0001\", \"y\": -7}, \"triggered_at\": \"x\"}");
        JsonNode b = json.readTree("{\"a\": {\"y\": -7, \"z\": \"é\\u0001\"}, \"triggered_at\": \"other\", \"b\": [1, 2.5, null, true]}");

        assertThat(fingerprints.of(a)).isEqualTo(fingerprints.of(b)).isEqualTo(previousRelease(a));
        assertThat(fingerprints.of(json.readTree("{\"b\": [2, 1]}"))).isNotEqualTo(fingerprints.of(json.readTree("{\"b\": [1, 2]}")));
    }
}
