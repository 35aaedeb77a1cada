package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.io.OutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only genuine webhooks get in. Signatures are required here (as by default), with test RSA keys generated per run
 * and served at the public-keys URL by the simulator, two HMAC secrets (rotation), and every destination credential.
 */
@TestPropertySource(properties = {
        "router.security.signature=required",
        "router.security.hmac-secrets[0]=" + WebhookSecurityTest.HMAC_OLD,
        "router.security.hmac-secrets[1]=" + WebhookSecurityTest.HMAC_NEW,
        "router.security.basic.user=contentstack",
        "router.security.basic.password=" + WebhookSecurityTest.BASIC_PASSWORD,
        "router.security.bearer-token=" + WebhookSecurityTest.BEARER,
        "router.security.headers.X-Router-Source=" + WebhookSecurityTest.CUSTOM_HEADER,
        "router.security.key-refresh-interval=200ms",
        "contentstack.public-keys-url=${contentstack.cma-url}/.well-known/public-keys.json"
})
@ExtendWith(OutputCaptureExtension.class)
class WebhookSecurityTest extends RouterHttpTest {
    static final String HMAC_OLD = "hmac-secret-being-rotated-out";
    static final String HMAC_NEW = "hmac-secret-current";
    static final String BASIC_PASSWORD = "basic-pass-9f3k";
    static final String BEARER = "bearer-token-71xq";
    static final String CUSTOM_HEADER = "custom-header-secret-4hv";
    private static final KeyPair KEY = rsaKeyPair();
    private static final KeyPair OTHER_KEY = rsaKeyPair();

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void publishSigningKey() {
        serveKey(KEY);
        // a test before may have rotated the key; the router refetches it at most every key-refresh-interval
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> sendGenuine("blt0key0ready").statusCode() != 401);
    }

    /** A webhook as Contentstack sends it: fresh, signed, with the destination's credentials. */
    private Map<String, String> genuine(String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Authorization", basic("contentstack", BASIC_PASSWORD));
        headers.put("X-Router-Source", CUSTOM_HEADER);
        headers.put("X-Contentstack-Request-Signature", "v1=" + rsaSign(KEY, body));
        return headers;
    }

    private String freshBody(String uid) {
        return fixture("entry-update.json").replace("blt0entry0000000a9", uid)
                .replace("2019-03-08T08:58:07.725Z", Instant.now().toString());
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    private HttpResponse<String> sendGenuine(String uid) {
        String body = freshBody(uid);
        return send("POST", "/webhooks/contentstack", body, genuine(body));
    }

    record Case(String name, int status, String reason, UnaryOperator<Request> change) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A request under test: method, path, body, headers. */
    record Request(String method, String path, String body, Map<String, String> headers) {
        Request with(String header, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            if (value == null) {
                h.remove(header);
            } else {
                h.put(header, value);
            }
            return new Request(method, path, body, h);
        }

        Request body(String newBody) {
            return new Request(method, path, newBody, headers);
        }
    }

    static Stream<Case> badInputs() {
        String stale = Instant.now().minusSeconds(600).toString();
        String future = Instant.now().plusSeconds(600).toString();
        return Stream.of(
                new Case("missing signature", 401, "no signature", r -> r.with("X-Contentstack-Request-Signature", null)),
                new Case("tampered body", 401, "does not match", r -> r.body(r.body().replace("Webhook Entry", "Evil Entry"))),
                new Case("signed by another key", 401, "does not match",
                        r -> r.with("X-Contentstack-Request-Signature", "v1=" + rsaSign(OTHER_KEY, r.body()))),
                new Case("signature without v1=", 401, "v1=", r -> r.with("X-Contentstack-Request-Signature", "sha256=abc")),
                new Case("signature not base64", 401, "v1=<base64>", r -> r.with("X-Contentstack-Request-Signature", "v1=%%%")),
                new Case("legacy 40-hex signature only", 401, "no signature", r -> r.with("X-Contentstack-Request-Signature", null)
                        .with("X-Contentstack-Signature", "75e9068f3ca4e2ef7cdbfbb2480822f5f6473ac5")),
                new Case("expired triggered_at", 401, "replay", r -> resign(r.body(r.body().replaceAll(
                        "\"triggered_at\": \"[^\"]+\"", "\"triggered_at\": \"" + stale + "\"")))),
                new Case("triggered_at in the future", 401, "replay", r -> resign(r.body(r.body().replaceAll(
                        "\"triggered_at\": \"[^\"]+\"", "\"triggered_at\": \"" + future + "\"")))),
                new Case("no triggered_at", 401, "triggered_at", r -> resign(r.body(r.body().replaceAll(
                        ",\\s*\"triggered_at\": \"[^\"]+\"", "")))),
                new Case("HMAC with an unknown secret", 401, "HMAC signature does not match",
                        r -> r.with("X-Contentstack-Request-Signature", null).with("x-contentstack-hmac-signature",
                                hmacHeader("not-our-secret", r.body(), Instant.now().getEpochSecond()))),
                new Case("HMAC with a stale timestamp", 401, "tolerance",
                        r -> r.with("X-Contentstack-Request-Signature", null).with("x-contentstack-hmac-signature",
                                hmacHeader(HMAC_NEW, r.body(), Instant.now().getEpochSecond() - 900))),
                new Case("HMAC header malformed", 401, "t=<unix seconds>",
                        r -> r.with("X-Contentstack-Request-Signature", null).with("x-contentstack-hmac-signature", "v1=abc")),
                new Case("no Authorization", 401, "Authorization", r -> r.with("Authorization", null)),
                new Case("Basic with a wrong password", 401, "Authorization", r -> r.with("Authorization", basic("contentstack", "guess"))),
                new Case("Basic with a wrong user", 401, "Authorization", r -> r.with("Authorization", basic("admin", BASIC_PASSWORD))),
                new Case("Bearer with a wrong token", 401, "Authorization", r -> r.with("Authorization", "Bearer wrong")),
                new Case("custom header missing", 401, "X-Router-Source", r -> r.with("X-Router-Source", null)),
                new Case("custom header wrong", 401, "X-Router-Source", r -> r.with("X-Router-Source", "guess")),
                new Case("body over 5 MB", 413, "larger than", r -> r.body("{\"module\": \"entry\", \"event\": \"update\", \"pad\": \""
                        + "x".repeat(5 * 1024 * 1024 + 10) + "\"}")),
                new Case("text/plain", 415, "Content-Type", r -> r.with("Content-Type", "text/plain")),
                new Case("form encoded", 415, "Content-Type", r -> r.with("Content-Type", "application/x-www-form-urlencoded")),
                new Case("XML", 415, "Content-Type", r -> r.with("Content-Type", "application/xml")),
                new Case("truncated JSON", 400, "not valid JSON", r -> resign(r.body(r.body().substring(0, r.body().length() / 2)))),
                new Case("empty body", 400, "empty", r -> resign(r.body(""))),
                new Case("JSON nested 100 deep", 400, "nested deeper", r -> resign(r.body("{\"module\": \"entry\", \"event\": \"x\", \"data\": "
                        + "{\"a\": ".repeat(100) + "1" + "}".repeat(100) + "}"))),
                new Case("JSON array", 400, "JSON object", r -> resign(r.body("[" + r.body() + "]"))),
                new Case("module is a huge array", 422, "'module' must be", r -> resign(r.body(r.body().replace("\"module\": \"entry\"",
                        "\"module\": [" + "1,".repeat(100_000) + "1]")))),
                new Case("event is an object", 422, "'event' must be", r -> resign(r.body(r.body().replace("\"event\": \"update\"",
                        "\"event\": {\"name\": \"update\"}")))),
                new Case("data is a string", 422, "'data'", r -> resign(r.body(r.body().replace("\"data\": {", "\"data\": \"x\", \"was\": {")))),
                new Case("module missing", 422, "'module' is missing", r -> resign(r.body(r.body().replace("\"module\": \"entry\",", "")))),
                new Case("GET instead of POST", 405, "", r -> new Request("GET", r.path(), null, r.headers())),
                new Case("thousands of empty v1 values", 401, "v1=<base64>",
                        r -> r.with("X-Contentstack-Request-Signature", "v1=,".repeat(1500) + "v1=")),
                new Case("HMAC timestamp out of range", 401, "unix seconds",
                        r -> r.with("X-Contentstack-Request-Signature", null).with("x-contentstack-hmac-signature",
                                "t=9223372036854775807,v1=00")),
                new Case("text after the JSON object", 400, "not valid JSON", r -> resign(r.body(r.body() + " trailing"))));
    }

    private static Request resign(Request r) {
        return r.with("X-Contentstack-Request-Signature", "v1=" + rsaSign(KEY, r.body()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRefusedWithAReasonStoresNothingAndTheNextGoodOneIsServed(Case bad) {
        String body = freshBody("blt0matrix0entry");
        Request request = bad.change().apply(new Request("POST", "/webhooks/contentstack", body, genuine(body)));
        long stored = executionCount();

        HttpResponse<String> response = send(request.method(), request.path(), request.body(), request.headers());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(bad.status());
        if (bad.status() != 405) {
            JsonNode error = read(response.body());
            assertThat(error.path("status").asInt()).isEqualTo(bad.status());
            assertThat(error.path("error").asText()).contains(bad.reason());
        }
        assertThat(response.body()).doesNotContain("Exception", "at io.cmsrouter", BASIC_PASSWORD, BEARER, HMAC_NEW);
        assertThat(executionCount()).isEqualTo(stored);
        assertThat(sendGenuine("blt0after0" + Math.abs(bad.name().hashCode())).statusCode()).isEqualTo(202);
    }

    @Test
    void genuineWebhooksGetInWhicheverWayTheyAreSigned() {
        assertThat(sendGenuine("blt0rsa0raw").statusCode()).isEqualTo(202);

        // Contentstack's Node sample signs the compact re-serialisation; the body may arrive pretty-printed
        String compact = read(freshBody("blt0rsa0compact")).toString();
        String pretty = read(compact).toPrettyString();
        Map<String, String> headers = genuine(pretty);
        headers.put("X-Contentstack-Request-Signature", "v1=" + rsaSign(KEY, compact));
        assertThat(send("POST", "/webhooks/contentstack", pretty, headers).statusCode()).isEqualTo(202);

        // HMAC, with the secret being rotated out among several v1 values
        String body = freshBody("blt0hmac0entry");
        headers = genuine(body);
        headers.remove("X-Contentstack-Request-Signature");
        long t = Instant.now().getEpochSecond();
        headers.put("x-contentstack-hmac-signature", hmacHeader("stale-secret", body, t) + ",v1="
                + hmacHex(HMAC_OLD, body, t));
        assertThat(send("POST", "/webhooks/contentstack", body, headers).statusCode()).isEqualTo(202);

        // Bearer instead of Basic
        body = freshBody("blt0bearer0entry");
        headers = genuine(body);
        headers.put("Authorization", "Bearer " + BEARER);
        assertThat(send("POST", "/webhooks/contentstack", body, headers).statusCode()).isEqualTo(202);

        // unicode and cs$-prefixed keys are content like any other
        body = freshBody("blt0unicode0entry").replace("\"title\": \"Webhook Entry\"",
                "\"title\": \"Café ☕ 東京\", \"cs$success\": true");
        assertThat(send("POST", "/webhooks/contentstack", body, genuine(body)).statusCode()).isEqualTo(202);
    }

    /**
     * A sender that writes its whole oversized body before it reads the answer (as most HTTP clients do) still gets
     * the JSON 413, declared by length or chunked, rather than a reset connection.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"length", "chunked"})
    void anOversizedWebhookWrittenWholeBeforeTheAnswerIsReadGets413(String framing) throws IOException {
        byte[] body = ("{\"module\": \"entry\", \"pad\": \"" + "a".repeat(20_000_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("localhost", uri("/").getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST /webhooks/contentstack HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + (framing.equals("length") ? "Content-Length: " + body.length : "Transfer-Encoding: chunked")
                    + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (framing.equals("length")) {
                out.write(body);
            } else {
                for (int at = 0; at < body.length; at += 65_536) {
                    int n = Math.min(65_536, body.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            String answer = new String(socket.getInputStream().readNBytes(512), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("{\"error\":\"body is larger than 5MB\"");
        }
    }

    @Test
    void rotatedKeyIsFetchedAgainWithoutARestartAndNotOnEveryFailure() {
        assertThat(sendGenuine("blt0before0rotation").statusCode()).isEqualTo(202);
        KeyPair rotated = rsaKeyPair();
        serveKey(rotated);
        cms.resetRequests();

        String body = freshBody("blt0after0rotation");
        Map<String, String> headers = genuine(body);
        headers.put("X-Contentstack-Request-Signature", "v1=" + rsaSign(rotated, body));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> send("POST", "/webhooks/contentstack", body, headers).statusCode() == 202);

        // a burst of bad signatures fetches the key at most once per key-refresh-interval, not once per request
        cms.resetRequests();
        long burstStarted = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            String bad = freshBody("blt0burst" + i);
            Map<String, String> badHeaders = genuine(bad);
            badHeaders.put("X-Contentstack-Request-Signature", "v1=" + rsaSign(OTHER_KEY, bad));
            assertThat(send("POST", "/webhooks/contentstack", bad, badHeaders).statusCode()).isEqualTo(401);
        }
        // once per 200 ms interval the burst lasted (on a loaded machine it lasts longer), and never once per request
        long intervals = 1 + java.time.Duration.ofNanos(System.nanoTime() - burstStarted).toMillis() / 200;
        assertThat(cms.countRequestsMatching(getRequestedFor(urlPathEqualTo("/.well-known/public-keys.json")).build()).getCount())
                .isLessThanOrEqualTo((int) Math.min(intervals + 1, 10));
    }

    @Test
    void managementEndpointsNeedTheAdminToken() {
        for (String path : new String[] {"/executions", "/executions/x", "/cache/entries/article/x?environment=production",
                "/cache/assets/x?environment=production"}) {
            HttpResponse<String> none = send("GET", path, null, Map.of());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(read(none.body()).path("error").asText()).contains("admin-token");
            assertThat(send("GET", path, null, Map.of("Authorization", "Bearer guess")).statusCode()).isEqualTo(401);
        }
        assertThat(send("POST", "/executions/x/retry", "", Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(401);
        assertThat(get("/executions").statusCode()).isEqualTo(200);
    }

    @Test
    void rejectionsAreCountedAndSecretsNeverReachTheLog(CapturedOutput output) {
        double before = meters.counter("router.webhooks.rejected", "reason", "destination-auth").count();
        String body = freshBody("blt0log0entry");
        Map<String, String> wrong = genuine(body);
        wrong.put("Authorization", basic("contentstack", "wrong-" + BASIC_PASSWORD));
        assertThat(send("POST", "/webhooks/contentstack", body, wrong).statusCode()).isEqualTo(401);
        assertThat(sendGenuine("blt0log0entry2").statusCode()).isEqualTo(202);

        assertThat(meters.counter("router.webhooks.rejected", "reason", "destination-auth").count()).isEqualTo(before + 1);
        assertThat(output.getAll()).contains("Refused POST").doesNotContain(BASIC_PASSWORD, BEARER, HMAC_NEW, HMAC_OLD,
                CUSTOM_HEADER, ADMIN_TOKEN, DELIVERY_TOKEN, MANAGEMENT_TOKEN);
        // nor the stored executions, whose headers carried the destination credentials and the signature
        String stored = get("/executions?limit=100").body();
        assertThat(stored).contains("blt0log0entry2").doesNotContain(BASIC_PASSWORD, CUSTOM_HEADER,
                basic("contentstack", BASIC_PASSWORD).substring(6));
    }

    @Test
    void queryParametersOfTheWebhookUrlAreNotStored() {
        String body = freshBody("blt0query0entry");
        HttpResponse<String> response = send("POST", "/webhooks/contentstack?sig=query-secret-8d2", body, genuine(body));
        assertThat(response.statusCode()).isEqualTo(202);

        String stored = get("/executions/" + read(response.body()).path("execution_uid").asText()).body();
        assertThat(stored).contains("event_headers").doesNotContain("query-secret-8d2");
    }

    @Test
    void urlsInPayloadsAreNeverFetched() {
        String body = fixture("asset-publish.json").replace("https://images.example.com/image.png",
                cms.baseUrl() + "/ssrf-probe").replace("2019-03-08T09:04:53.444Z", Instant.now().toString());
        assertThat(send("POST", "/webhooks/contentstack", body, genuine(body)).statusCode()).isEqualTo(202);
        settled(read(send("GET", "/executions?limit=1", null, Map.of("Authorization", "Bearer " + ADMIN_TOKEN)).body())
                .path("executions").get(0).path("uid").asText());

        cms.verify(0, getRequestedFor(urlPathEqualTo("/ssrf-probe")));
    }

    private long executionCount() {
        return read(get("/executions?limit=1").body()).path("count").asLong();
    }

    private void serveKey(KeyPair pair) {
        cms.stubFor(WireMock.get(urlPathEqualTo("/.well-known/public-keys.json"))
                .willReturn(okJson("{\"signing-key\": \"" + pkcs1Pem((RSAPublicKey) pair.getPublic()).replace("\n", "\\n") + "\"}")));
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32, as Contentstack signs. */
    static String rsaSign(KeyPair pair, String body) {
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            signer.initSign(pair.getPrivate());
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hmacHeader(String secret, String body, long t) {
        return "t=" + t + ",v1=" + hmacHex(secret, body, t);
    }

    static String hmacHex(String secret, String body, long t) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The key as Contentstack publishes it: a PKCS#1 "RSA PUBLIC KEY" PEM (SEQUENCE of modulus and exponent). */
    private static String pkcs1Pem(RSAPublicKey key) {
        ByteArrayOutputStream sequence = new ByteArrayOutputStream();
        derInteger(sequence, key.getModulus());
        derInteger(sequence, key.getPublicExponent());
        ByteArrayOutputStream der = new ByteArrayOutputStream();
        der.write(0x30);
        derLength(der, sequence.size());
        der.writeBytes(sequence.toByteArray());
        return "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der.toByteArray())
                + "\n-----END RSA PUBLIC KEY-----\n";
    }

    private static void derInteger(ByteArrayOutputStream out, BigInteger value) {
        byte[] bytes = value.toByteArray();
        out.write(0x02);
        derLength(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void derLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        }
    }
}
