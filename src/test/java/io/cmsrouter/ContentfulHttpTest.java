package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.cmsrouter.security.ContentfulSigner;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contentful webhooks through HTTP, with Contentful's request signing required: two secrets while one is rotated
 * out. What is accepted is recorded with its source and channels; what is refused leaves nothing behind.
 */
/**
 * HTTP tests of the Contentful source: signing required with two secrets (one being rotated out), WireMock playing
 * Contentful's CDA and CMA, and deliveries built and signed as Contentful sends them.
 */
@TestPropertySource(properties = {
        "router.security.signature=required",
        "contentful.signing-secrets[0]=" + ContentfulHttpTest.OLD_SECRET,
        "contentful.signing-secrets[1]=" + ContentfulHttpTest.NEW_SECRET,
        "contentful.space-id=" + ContentfulHttpTest.SPACE,
        "contentful.delivery-token=" + ContentfulHttpTest.DELIVERY_TOKEN,
        "contentful.management-token=" + ContentfulHttpTest.MANAGEMENT_TOKEN,
        "contentful.cda-url=${contentstack.cda-url}",
        "contentful.cma-url=${contentstack.cma-url}"
})
public abstract class ContentfulHttpTest extends RouterHttpTest {
    static final String OLD_SECRET = "0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0ld0";
    static final String NEW_SECRET = "n3w_n3w-n3w+n3w/n3w=n3w_n3w-n3w+n3w/n3w=n3w_n3w-n3w+n3w/n3w=n3w_";
    static final String SPACE = "cfspace01";
    static final String DELIVERY_TOKEN = "cf_test_delivery_token";
    static final String MANAGEMENT_TOKEN = "cf_test_management_token";
    private static final String MEDIA_TYPE = "application/vnd.contentful.management.v1+json";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A Contentful delivery: topic, payload, headers, and how it is signed. */
    protected static final class Delivery {
        final ObjectNode payload = NODES.objectNode();
        final Map<String, String> headers = new LinkedHashMap<>();
        String secret = NEW_SECRET;
        /** a body other than the payload, signed and sent as it is */
        String rawBody;
        long signedAt = System.currentTimeMillis();

        Delivery(String topic, String type, String id) {
            headers.put("Content-Type", MEDIA_TYPE);
            headers.put("X-Contentful-Topic", topic);
            headers.put("X-Contentful-Idempotency-Key", UUID.randomUUID().toString().replace("-", "").repeat(2));
            ObjectNode sys = payload.putObject("sys").put("type", type).put("id", id).put("revision", 3);
            sys.putObject("environment").putObject("sys").put("id", "master").put("type", "Link");
            payload.putObject("fields").putObject("title").put("en-US", "Hello");
        }

        Delivery contentType(String id) {
            ((ObjectNode) payload.path("sys")).putObject("contentType").putObject("sys").put("id", id);
            return this;
        }

        /** A value of the title field in one more locale. */
        Delivery locale(String code) {
            ((ObjectNode) payload.path("fields").path("title")).put(code, "Hallo");
            return this;
        }

        String signedBody() {
            return rawBody != null ? rawBody : payload.toString();
        }

        Delivery withoutFields() {
            payload.remove("fields");
            return this;
        }
    }

    protected HttpResponse<String> send(Delivery d) throws Exception {
        return send(d, d.signedBody());
    }

    /** Signs the delivery's payload, then sends {@code body} (the same, unless a test changes it on the way). */
    protected HttpResponse<String> send(Delivery d, String body) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(d.headers);
        headers.putAll(ContentfulSigner.sign(d.secret, "/webhooks/contentful", d.headers, d.signedBody(), d.signedAt));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/webhooks/contentful"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /** Sends the delivery, expects it accepted, and waits until its execution settles. */
    protected JsonNode run(Delivery d) throws Exception {
        HttpResponse<String> response = send(d);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return settled(read(response.body()).path("execution_uid").asText());
    }

    protected long contentfulExecutions() {
        return read(get("/executions?source=contentful&limit=1").body()).path("count").asLong();
    }

    /** Contentful's CDA answers any entry or asset of the space, in the locale asked for, to its delivery token. */
    protected void simulateContentfulDelivery() {
        locales("master", "en-US", "de-DE");
        cms.stubFor(WireMock.get(urlPathMatching("/spaces/" + SPACE + "/environments/[^/]+/(entries|assets)/[^/]+"))
                .withHeader("Authorization", equalTo("Bearer " + DELIVERY_TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.contentful.delivery.v1+json")
                        .withTransformers("response-template")
                        .withBody("{\"metadata\": {\"tags\": []}, \"sys\": {\"id\": \"{{request.pathSegments.[5]}}\","
                                + " \"locale\": \"{{request.query.locale}}\", \"revision\": 3,"
                                + " \"contentType\": {\"sys\": {\"id\": \"served_type\"}}},"
                                + " \"fields\": {\"title\": \"Title in {{request.query.locale}}\"}}")));
    }

    /** The CDA's {@code /locales} of an environment: the first code is the space's default. */
    protected void locales(String environment, String defaultCode, String otherCode) {
        cms.stubFor(WireMock.get(urlPathEqualTo("/spaces/" + SPACE + "/environments/" + environment + "/locales"))
                .withHeader("Authorization", equalTo("Bearer " + DELIVERY_TOKEN))
                .willReturn(okJson("{\"items\": [{\"code\": \"" + defaultCode + "\", \"default\": true},"
                        + " {\"code\": \"" + otherCode + "\", \"default\": false}]}")));
    }

    protected HttpResponse<String> cachedContentful(String kind, String id, String query) {
        return get("/cache/contentful/" + kind + "/" + id + query);
    }

    /** Signs with every header, then leaves {@code header} out of the request. */
    protected HttpResponse<String> sendWithout(Delivery d, String header) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(d.headers);
        headers.putAll(ContentfulSigner.sign(d.secret, "/webhooks/contentful", d.headers, d.payload.toString(),
                d.signedAt));
        headers.remove(header);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/webhooks/contentful"))
                .POST(HttpRequest.BodyPublishers.ofString(d.payload.toString()));
        headers.forEach(request::header);
        return send(request);
    }

    protected void assertRefused(HttpResponse<String> response, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(read(response.body()).path("error").asText()).contains(reason);
    }
}
