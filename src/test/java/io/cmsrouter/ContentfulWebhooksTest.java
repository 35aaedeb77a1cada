package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Contentful webhooks through HTTP: what is accepted is recorded with its source and channels and applied to the cache;
 * what is refused leaves nothing behind.
 */
class ContentfulWebhooksTest extends ContentfulHttpTest {
    @Test
    void aSignedEntryPublishIsRecordedWithItsSourceAndChannels() throws Exception {
        HttpResponse<String> response = send(new Delivery("ContentManagement.Entry.publish", "Entry", "cfEntry0001")
                .contentType("blogPost"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode ack = read(response.body());
        assertThat(strings(ack.path("channels"))).containsExactly("ContentManagement.Entry.publish",
                "ContentManagement.Entry.environments.master.publish",
                "ContentManagement.Entry.environments.master.content_types.blogPost.publish",
                "ContentManagement.Entry.environments.master.content_types.blogPost.entries.cfEntry0001.publish");
        JsonNode execution = settled(ack.path("execution_uid").asText());
        assertThat(execution.path("source").asText()).isEqualTo("contentful");
        assertThat(execution.path("module").asText()).isEqualTo("Entry");
        assertThat(execution.path("event").asText()).isEqualTo("publish");
        assertThat(strings(execution.path("channel"))).first().isEqualTo("ContentManagement.Entry.publish");
        // the signature is not kept with the stored headers
        assertThat(execution.path("event_headers").toString()).doesNotContain(NEW_SECRET)
                .doesNotContain(response.request().headers().firstValue("x-contentful-signature").orElseThrow());
        JsonNode listed = read(get("/executions?source=contentful").body()).path("executions");
        assertThat(listed.findValuesAsText("uid")).contains(ack.path("execution_uid").asText());
        JsonNode others = read(get("/executions?source=contentstack").body()).path("executions");
        assertThat(others.findValuesAsText("uid")).doesNotContain(ack.path("execution_uid").asText());
    }

    @Test
    void theOldSecretStillVerifiesWhileRotating() throws Exception {
        Delivery d = new Delivery("ContentManagement.Asset.unpublish", "DeletedAsset", "cfAsset0001");
        d.secret = OLD_SECRET;

        assertThat(send(d).statusCode()).isEqualTo(202);
    }

    @Test
    void aRedeliveryWithTheSameIdempotencyKeyIsADuplicate() throws Exception {
        Delivery d = new Delivery("ContentManagement.Entry.unpublish", "DeletedEntry", "cfEntry0002");
        String first = read(send(d).body()).path("execution_uid").asText();
        d.headers.put("X-Contentful-Webhook-Request-Attempt", "2");
        d.signedAt = System.currentTimeMillis();

        HttpResponse<String> again = send(d);

        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(read(again.body()).path("duplicate").asBoolean()).isTrue();
        assertThat(read(again.body()).path("execution_uid").asText()).isEqualTo(first);
    }

    @Test
    void refusedDeliveriesAre401sThatStoreNothing() throws Exception {
        long before = contentfulExecutions();

        Delivery wrongSecret = new Delivery("ContentManagement.Entry.publish", "Entry", "cfRefused01");
        wrongSecret.secret = "x".repeat(64);
        Delivery stale = new Delivery("ContentManagement.Entry.publish", "Entry", "cfRefused02");
        stale.signedAt -= 60_000;
        Delivery unsignedTopic = new Delivery("ContentManagement.Entry.publish", "Entry", "cfRefused03");
        Delivery changedBody = new Delivery("ContentManagement.Entry.publish", "Entry", "cfRefused04");

        assertRefused(send(wrongSecret), "does not match any configured signing secret");
        assertRefused(send(stale), "x-contentful-timestamp is more than 30s from now");
        assertRefused(sendWithout(unsignedTopic, "X-Contentful-Topic"), "signed header 'x-contentful-topic' is not in the request");
        assertRefused(send(changedBody, changedBody.payload.toString().replace("Hello", "Hacked")), "does not match");
        assertThat(contentfulExecutions()).isEqualTo(before);
    }

    @Test
    void badBodiesAreJson4xxsThatStoreNothing() throws Exception {
        long before = contentfulExecutions();
        Delivery text = new Delivery("ContentManagement.Entry.publish", "Entry", "cfBadBody01");
        text.headers.put("Content-Type", "text/plain");
        Delivery array = new Delivery("ContentManagement.Entry.publish", "Entry", "cfBadBody02");
        array.rawBody = "[]";
        Delivery locale = new Delivery("ContentManagement.Entry.publish", "Entry", "cfBadBody03");
        ((ObjectNode) locale.payload.path("fields").path("title")).put("en|US", "Piped");

        HttpResponse<String> plain = send(text);
        HttpResponse<String> notAnObject = send(array);
        HttpResponse<String> badLocale = send(locale);

        assertThat(plain.statusCode()).isEqualTo(415);
        assertThat(notAnObject.statusCode()).isEqualTo(400);
        assertThat(read(notAnObject.body()).path("error").asText()).isEqualTo("body must be a JSON object");
        assertThat(badLocale.statusCode()).isEqualTo(422);
        assertThat(read(badLocale.body()).path("error").asText()).startsWith("field 'fields.title.en|US' is not a locale code");
        assertThat(contentfulExecutions()).isEqualTo(before);
    }

    @Test
    void anArchiveEvictsLikeAnUnpublish() throws Exception {
        simulateContentfulDelivery();
        run(new Delivery("ContentManagement.Entry.publish", "Entry", "cfArchive01"));
        assertThat(cachedContentful("entries", "cfArchive01", "").statusCode()).isEqualTo(200);

        JsonNode execution = run(new Delivery("ContentManagement.Entry.archive", "Entry", "cfArchive01")
                .withoutFields());

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedContentful("entries", "cfArchive01", "").statusCode()).isEqualTo(404);
    }

    @Test
    void aTopicTheRouterCannotReadIsA422NamingIt() throws Exception {
        HttpResponse<String> response = send(new Delivery("Entry.publish", "Entry", "cfEntry0003"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(read(response.body()).path("error").asText())
                .isEqualTo("field 'X-Contentful-Topic' must be ContentManagement.<Type>.<action>");
    }

    @Test
    void aPublishIsCachedInEveryLocaleAsTheDeliveryApiServesIt() throws Exception {
        simulateContentfulDelivery();
        JsonNode ack = read(send(new Delivery("ContentManagement.Entry.publish", "Entry", "cfCached001")
                .contentType("blogPost").locale("de-DE")).body());

        JsonNode execution = settled(ack.path("execution_uid").asText());

        assertThat(execution.path("status").asText()).as(execution.toString()).isEqualTo("succeeded");
        assertThat(execution.path("items")).hasSize(2);
        // the space's default locale when none is named, master when no environment is
        assertThat(read(cachedContentful("entries", "cfCached001", "").body()).path("fields").path("title").asText())
                .isEqualTo("Title in en-US");
        assertThat(read(cachedContentful("entries", "cfCached001", "?environment=master&locale=de-DE").body())
                .path("fields").path("title").asText()).isEqualTo("Title in de-DE");
        cms.verify(1, getRequestedFor(urlPathEqualTo("/spaces/" + SPACE + "/environments/master/entries/cfCached001"))
                .withQueryParam("locale", equalTo("de-DE")));
    }

    @Test
    void anItemTheDeliveryApiCannotServeYetIsRetriedOnTheSchedule() throws Exception {
        simulateContentfulDelivery();
        String path = "/spaces/" + SPACE + "/environments/master/entries/cfLate00001";
        cms.stubFor(WireMock.get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(503)));
        String uid = read(send(new Delivery("ContentManagement.Entry.publish", "Entry", "cfLate00001")).body())
                .path("execution_uid").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> execution(uid),
                e -> "retrying".equals(e.path("status").asText()));

        cms.stubFor(WireMock.get(urlPathEqualTo(path)).willReturn(okJson(
                "{\"sys\": {\"id\": \"cfLate00001\", \"type\": \"Entry\"}, \"fields\": {\"title\": \"Late\"}}")));

        assertThat(settled(uid).path("status").asText()).isEqualTo("succeeded");
        assertThat(read(cachedContentful("entries", "cfLate00001", "").body()).path("fields").path("title").asText())
                .isEqualTo("Late");
    }

    @Test
    void aReadThatNamesNoLocaleGetsTheSpacesDefaultInThatEnvironment() throws Exception {
        simulateContentfulDelivery();
        locales("staging", "de-DE", "en-US");
        Delivery d = new Delivery("ContentManagement.Entry.publish", "Entry", "cfStaged001").locale("de-DE");
        ((ObjectNode) d.payload.path("sys").path("environment").path("sys")).put("id", "staging");
        run(d);

        assertThat(read(cachedContentful("entries", "cfStaged001", "?environment=staging").body()).path("fields")
                .path("title").asText()).isEqualTo("Title in de-DE");
        assertThat(cachedContentful("entries", "cfStaged001", "").statusCode()).isEqualTo(404);
    }

    @Test
    void anUnpublishEvictsEveryLocaleOfItsEnvironment() throws Exception {
        simulateContentfulDelivery();
        run(new Delivery("ContentManagement.Asset.publish", "Asset", "cfAsset0002").locale("de-DE"));
        assertThat(cachedContentful("assets", "cfAsset0002", "?locale=de-DE").statusCode()).isEqualTo(200);

        JsonNode execution = run(new Delivery("ContentManagement.Asset.unpublish", "DeletedAsset",
                "cfAsset0002").withoutFields());

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedContentful("assets", "cfAsset0002", "").statusCode()).isEqualTo(404);
        assertThat(cachedContentful("assets", "cfAsset0002", "?locale=de-DE").statusCode()).isEqualTo(404);
    }

    @Test
    void aContentTypeDeleteEvictsItsEntries() throws Exception {
        simulateContentfulDelivery();
        run(new Delivery("ContentManagement.Entry.publish", "Entry", "cfTyped0001").contentType("promo"));
        assertThat(cachedContentful("entries", "cfTyped0001", "").statusCode()).isEqualTo(200);

        JsonNode execution = run(new Delivery("ContentManagement.ContentType.delete", "ContentType",
                "promo").withoutFields());

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedContentful("entries", "cfTyped0001", "").statusCode()).isEqualTo(404);
    }

}
