package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One router, one downstream target subscribed to a channel of each CMS: a Contentstack publish and a Contentful
 * publish both reach it, each under its own channel, with items a receiver can tell apart.
 */
@TestPropertySource(properties = {
        // this test is about routing; the signatures of both sources are tested on their own
        "router.security.signature=off",
        "router.delivery.poll-interval=50ms",
        "router.targets[0].name=site",
        "router.targets[0].url=${contentstack.cda-url}/site-revalidate",
        "router.targets[0].channels[0]=content_types.entries.publish",
        "router.targets[0].channels[1]=ContentManagement.Entry.publish",
        "router.targets[0].secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
})
class TwoSourcesOneTargetTest extends ContentfulHttpTest {

    @Test
    void aPublishFromEachCmsReachesTheSameTargetUnderItsOwnChannel() throws Exception {
        simulateContentfulDelivery();
        cms.stubFor(WireMock.post(urlPathEqualTo("/site-revalidate")).willReturn(aResponse().withStatus(204)));

        JsonNode contentstack = deliverAndSettle(fixture("entry-publish-concise.json")
                .replace("blt0entry0concise1", "blt0two0sources01"));
        JsonNode contentful = run(new Delivery("ContentManagement.Entry.publish", "Entry", "cfTwoSrc01")
                .contentType("page"));

        assertThat(contentstack.path("status").asText()).isEqualTo("succeeded");
        assertThat(contentful.path("status").asText()).isEqualTo("succeeded");
        List<LoggedRequest> sent = await().atMost(Duration.ofSeconds(30))
                .until(() -> cms.findAll(postRequestedFor(urlPathEqualTo("/site-revalidate"))), r -> r.size() >= 2);
        List<JsonNode> payloads = sent.stream().map(r -> read(r.getBodyAsString())).toList();
        JsonNode fromContentstack = payloads.stream()
                .filter(p -> p.path("channel").asText().equals("content_types.entries.publish")).findFirst().orElseThrow();
        JsonNode fromContentful = payloads.stream()
                .filter(p -> p.path("channel").asText().equals("ContentManagement.Entry.publish")).findFirst().orElseThrow();
        assertThat(fromContentstack.path("items").get(0).path("uid").asText()).isEqualTo("blt0two0sources01");
        assertThat(fromContentstack.path("items").get(0).has("source")).isFalse();
        JsonNode item = fromContentful.path("items").get(0);
        assertThat(item.path("type").asText()).isEqualTo("entry");
        assertThat(item.path("source").asText()).isEqualTo("contentful");
        assertThat(item.path("uid").asText()).isEqualTo("cfTwoSrc01");
        assertThat(item.path("content_type_uid").asText()).isEqualTo("page");
        assertThat(fromContentful.path("environment").asText()).isEqualTo("master");
    }
}
