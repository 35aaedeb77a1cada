package io.cmsrouter.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Verification of Contentful's request signatures, against requests signed by Contentful's own toolkit
 * ({@code src/test/resources/contentful/signing-vectors.json}, made by {@code make-signing-vectors.cjs} beside it).
 */
class ContentfulSignaturesTest {
    private static final Duration TTL = Duration.ofSeconds(30);

    private record Vector(String name, String method, String path, Map<String, String> headers, byte[] body) {
        Vector with(String header, String value) {
            Map<String, String> changed = new LinkedHashMap<>(headers);
            if (value == null) {
                changed.remove(header);
            } else {
                changed.put(header, value);
            }
            return new Vector(name, method, path, changed, body);
        }
    }

    private final JsonNode file;
    private final String secret;
    private final Instant signedAt;
    private final List<Vector> vectors = new ArrayList<>();

    ContentfulSignaturesTest() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/contentful/signing-vectors.json")) {
            file = new ObjectMapper().readTree(in);
        }
        secret = file.path("secret").asText();
        signedAt = Instant.ofEpochMilli(file.path("timestamp").asLong());
        for (JsonNode v : file.path("vectors")) {
            Map<String, String> headers = new LinkedHashMap<>();
            v.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
            vectors.add(new Vector(v.path("name").asText(), v.path("method").asText(), v.path("path").asText(), headers,
                    v.path("body").asText().getBytes(StandardCharsets.UTF_8)));
        }
    }

    private void verify(List<String> secrets, Vector v, Instant now) {
        new ContentfulSignatures(secrets, TTL).verify(v.method(), v.path(), v.headers(), v.body(), now);
    }

    @Test
    void everyRequestTheToolkitSignedIsAccepted() {
        assertThat(vectors).hasSizeGreaterThanOrEqualTo(4);
        for (Vector v : vectors) {
            assertThatCode(() -> verify(List.of(secret), v, signedAt.plusSeconds(1))).as(v.name())
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void anyConfiguredSecretMayMatchWhileRotating() {
        String old = "o".repeat(64);
        assertThatCode(() -> verify(List.of(old, secret), vectors.get(0), signedAt)).doesNotThrowAnyException();
        assertThatThrownBy(() -> verify(List.of(old), vectors.get(0), signedAt))
                .isInstanceOf(WebhookRejectedException.class)
                .hasMessage("Contentful signature does not match any configured signing secret");
    }

    @Test
    void aChangedBodyPathOrSignedHeaderIsRefused() {
        Vector v = vectors.get(0);
        byte[] changed = new String(v.body(), StandardCharsets.UTF_8).replace("revision\":3", "revision\":4")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> verify(List.of(secret), new Vector(v.name(), v.method(), v.path(), v.headers(), changed),
                signedAt)).hasMessageContaining("does not match");
        assertThatThrownBy(() -> verify(List.of(secret), new Vector(v.name(), v.method(), "/webhooks/other",
                v.headers(), v.body()), signedAt)).hasMessageContaining("does not match");
        assertThatThrownBy(() -> verify(List.of(secret), v.with("X-Contentful-Topic", "ContentManagement.Entry.delete"),
                signedAt)).hasMessageContaining("does not match");
    }

    @Test
    void aSignedHeaderMissingFromTheRequestIsNamed() {
        assertThatThrownBy(() -> verify(List.of(secret), vectors.get(0).with("X-Contentful-Topic", null), signedAt))
                .hasMessage("signed header 'x-contentful-topic' is not in the request");
    }

    @Test
    void aHeaderLeftOutOfTheSignedListIsNotCovered() {
        // a header the sender did not list can be anything: only the listed ones are checked
        assertThatCode(() -> verify(List.of(secret), vectors.get(1).with("X-Contentful-Webhook-Name", "anything"),
                signedAt)).doesNotThrowAnyException();
        // and dropping a listed name from the list breaks the signature
        Vector v = vectors.get(0);
        assertThatThrownBy(() -> verify(List.of(secret), v.with("x-contentful-signed-headers",
                "x-contentful-signed-headers,x-contentful-timestamp,x-contentful-topic"), signedAt))
                .hasMessageContaining("does not match");
    }

    @Test
    void aTimestampOutsideTheTimeToLiveIsRefused() {
        assertThatThrownBy(() -> verify(List.of(secret), vectors.get(0), signedAt.plusSeconds(30)))
                .hasMessage("x-contentful-timestamp is more than 30s from now");
        assertThatThrownBy(() -> verify(List.of(secret), vectors.get(0), signedAt.minusSeconds(31)))
                .hasMessage("x-contentful-timestamp is more than 30s from now");
        assertThatThrownBy(() -> verify(List.of(secret), vectors.get(0).with("x-contentful-timestamp", "soon"), signedAt))
                .hasMessage("x-contentful-timestamp is not milliseconds");
    }

    @Test
    void missingOrMalformedSignatureHeadersAreRefused() {
        assertThatThrownBy(() -> verify(List.of(secret), vectors.get(0).with("x-contentful-signature", null), signedAt))
                .hasMessageStartingWith("Contentful signature headers missing");
        assertThatThrownBy(() -> verify(List.of(secret), vectors.get(0).with("x-contentful-signature", "zz"), signedAt))
                .hasMessage("x-contentful-signature is not hex");
    }

    @Test
    void thePathIsEscapedAsTheToolkitDoes() {
        assertThat(ContentfulSignatures.canonicalPath("/webhooks/contentful")).isEqualTo("/webhooks/contentful");
        assertThat(ContentfulSignatures.canonicalPath("/webhooks/contentful?space=abc&note=a%20b"))
                .isEqualTo("/webhooks/contentful?space%253Dabc%2526note%253Da%252520b");
        assertThat(ContentfulSignatures.canonicalPath("/héllo")).isEqualTo("/h%C3%A9llo");
    }
}
