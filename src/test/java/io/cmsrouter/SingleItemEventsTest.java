package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** Publish, unpublish and delete of one entry, asset or content type, as Contentstack sends them. */
class SingleItemEventsTest extends RouterHttpTest {

    @Test
    void fullPayloadPublishIsCachedAsDeliveredWithoutCallingTheCms() {
        String webhook = fixture("asset-publish.json").replace("blt0asset00000011", "blt0asset0single01")
                .replace("\"title\": \"image.png\"", "\"title\": \"image.png\", \"cs$meta\": {\"cs$note\": 1}");

        JsonNode execution = deliverAndSettle(webhook);

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        JsonNode cached = read(cachedAsset("blt0asset0single01", "blank").body());
        assertThat(cached.path("uid").asText()).isEqualTo("blt0asset0single01");
        assertThat(cached.path("filename").asText()).isEqualTo("image.png");
        // Contentstack writes '$' keys as 'cs$' in webhooks; the cache holds them as the CDA delivers them
        assertThat(cached.path("$meta").path("$note").asInt()).isEqualTo(1);
        assertThat(cms.getAllServeEvents()).isEmpty();
        JsonNode item = item(execution, "blt0asset0single01");
        assertThat(item.path("status").asText()).isEqualTo("succeeded");
        assertThat(item.path("attempts").asInt()).isEqualTo(1);
        assertThat(item.path("environment").asText()).isEqualTo("blank");
    }

    @Test
    void concisePayloadIsEnrichedFromTheDeliveryApiWithCredentialsAndBranch() {
        // an entry of its own: SeedWebhooksTest, in the same application, publishes the fixture's entry too
        JsonNode execution = deliverAndSettle(fixture("entry-publish-concise.json")
                .replace("blt0entry0concise1", "blt0entry0enrich01"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        JsonNode cached = read(cachedEntry("article", "blt0entry0enrich01", "production", "en-us").body());
        assertThat(cached.path("title").asText()).isEqualTo("Entry blt0entry0enrich01");
        assertThat(cached.path("publish_details").path("environment").asText()).isEqualTo("production");
        cms.verify(1, getRequestedFor(urlPathEqualTo("/v3/content_types/article/entries/blt0entry0enrich01"))
                .withQueryParam("environment", equalTo("production"))
                .withQueryParam("locale", equalTo("en-us"))
                .withHeader("api_key", equalTo(API_KEY))
                .withHeader("access_token", equalTo(DELIVERY_TOKEN))
                .withHeader("branch", equalTo("main")));
    }

    @Test
    void releaseSourcedPublishNamesItsEnvironmentThroughTheManagementApi() {
        JsonNode execution = deliverAndSettle(fixture("entry-publish-release.json"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        JsonNode cached = read(cachedEntry("article", "blt0entry0release1", "production", "en-us").body());
        assertThat(cached.path("title").asText()).isEqualTo("Released entry");
        assertThat(item(execution, "blt0entry0release1").path("environment").asText()).isEqualTo("production");
    }

    @Test
    void environmentCreatedAfterTheLookupWasCachedIsFoundByRefreshingIt() {
        deliverAndSettle(fixture("entry-publish-release.json"));
        stack.environments(java.util.Map.of("blt0env0production", "production", "blt0env0new", "preview"));
        cms.resetRequests();

        JsonNode execution = deliverAndSettle(fixture("entry-publish-release.json")
                .replace("blt0env0production", "blt0env0new").replace("blt0entry0release1", "blt0entry0release2"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("article", "blt0entry0release2", "preview", "en-us").statusCode()).isEqualTo(200);
        cms.verify(1, getRequestedFor(urlPathEqualTo("/v3/environments"))
                .withHeader("api_key", equalTo(API_KEY)).withHeader("authorization", equalTo(MANAGEMENT_TOKEN)));
    }

    @Test
    void unpublishEvictsOnlyThatEnvironmentAndLocale() {
        String production = fixture("entry-publish-concise.json").replace("blt0entry0concise1", "blt0entry0unpub01");
        String staging = production.replace("blt0env0production", "blt0env0staging").replace("\"production\"", "\"staging\"");
        deliverAndSettle(production);
        deliverAndSettle(staging);
        assertThat(cachedEntry("article", "blt0entry0unpub01", "production", "en-us").statusCode()).isEqualTo(200);

        JsonNode execution = deliverAndSettle(production.replace("\"event\": \"publish\"", "\"event\": \"unpublish\"")
                .replace("\"action\": \"publish\"", "\"action\": \"unpublish\""));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("channel").get(0).asText()).isEqualTo("content_types.entries.unpublish");
        assertThat(cachedEntry("article", "blt0entry0unpub01", "production", "en-us").statusCode()).isEqualTo(404);
        assertThat(cachedEntry("article", "blt0entry0unpub01", "staging", "en-us").statusCode()).isEqualTo(200);
    }

    @Test
    void entryDeleteEvictsItEverywhere() {
        String production = fixture("entry-publish-concise.json").replace("blt0entry0concise1", "blt0entry0delete1");
        deliverAndSettle(production);
        deliverAndSettle(production.replace("blt0env0production", "blt0env0staging").replace("\"production\"", "\"staging\""));
        deliverAndSettle(production.replace("en-us", "fr-fr"));

        JsonNode execution = deliverAndSettle("{\"module\": \"entry\", \"event\": \"delete\", \"api_key\": \"blt1\","
                + " \"triggered_at\": \"2026-06-01T00:00:00.000Z\", \"data\": {\"entry\": {\"uid\": \"blt0entry0delete1\","
                + " \"title\": \"Concise\", \"locale\": \"en-us\"}, \"content_type\": {\"uid\": \"article\"}}}");

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("article", "blt0entry0delete1", "production", "en-us").statusCode()).isEqualTo(404);
        assertThat(cachedEntry("article", "blt0entry0delete1", "staging", "en-us").statusCode()).isEqualTo(404);
        assertThat(cachedEntry("article", "blt0entry0delete1", "production", "fr-fr").statusCode()).isEqualTo(404);
    }

    @Test
    void contentTypeDeleteEvictsThatTypesEntriesOnly() {
        String promo = fixture("entry-publish-concise.json").replace("blt0entry0concise1", "blt0entry0promo01")
                .replace("\"uid\": \"article\"", "\"uid\": \"promo\"");
        String article = fixture("entry-publish-concise.json").replace("blt0entry0concise1", "blt0entry0keep001");
        deliverAndSettle(promo);
        deliverAndSettle(article);

        JsonNode execution = deliverAndSettle(fixture("content-type-delete.json"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("promo", "blt0entry0promo01", "production", "en-us").statusCode()).isEqualTo(404);
        assertThat(cachedEntry("article", "blt0entry0keep001", "production", "en-us").statusCode()).isEqualTo(200);
    }

    @Test
    void assetDeleteEvictsItInEveryEnvironment() {
        String webhook = fixture("asset-publish.json").replace("blt0asset00000011", "blt0asset0delete1");
        deliverAndSettle(webhook);

        deliverAndSettle("{\"module\": \"asset\", \"event\": \"delete\", \"api_key\": \"blt1\", \"triggered_at\":"
                + " \"2026-06-01T00:00:00.000Z\", \"data\": {\"asset\": {\"uid\": \"blt0asset0delete1\"}}}");

        assertThat(cachedAsset("blt0asset0delete1", "blank").statusCode()).isEqualTo(404);
    }

    @Test
    void cacheReadsAnswerJsonErrors() {
        assertThat(cachedEntry("article", "never-published", "production", "en-us").statusCode()).isEqualTo(404);
        assertThat(read(cachedEntry("article", "never-published", "production", "en-us").body()).path("error").asText())
                .isNotBlank();
        var noEnvironment = get("/cache/entries/article/blt1");
        assertThat(noEnvironment.statusCode()).isEqualTo(400);
        assertThat(read(noEnvironment.body()).path("error").asText()).contains("environment");
    }

    @Test
    void publishWithoutAnEnvironmentFailsTheExecutionWithAReason() {
        JsonNode execution = deliverAndSettle("{\"module\": \"entry\", \"event\": \"publish\", \"api_key\": \"blt1\","
                + " \"data\": {\"entry\": {\"uid\": \"blt0entry0noenv01\", \"locale\": \"en-us\"},"
                + " \"content_type\": {\"uid\": \"article\"}}}");

        assertThat(execution.path("status").asText()).isEqualTo("failed");
        assertThat(execution.path("error").asText()).contains("without data.environment");
        cms.verify(0, getRequestedFor(urlPathMatching("/v3/content_types/.*")));
    }
}
