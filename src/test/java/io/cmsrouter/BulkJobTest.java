package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.cmsrouter.ContentstackSimulator.jobAsset;
import static io.cmsrouter.ContentstackSimulator.jobEntry;
import static io.cmsrouter.ContentstackSimulator.jobWebhook;
import static org.assertj.core.api.Assertions.assertThat;

/** Job-based webhooks fan out through "Get job items status" to one CDA fetch per item; releases likewise. */
class BulkJobTest extends RouterHttpTest {

    @Test
    void thousandItemPublishJobOverTenPagesCachesExactlyTheSuccessfulItems() {
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String status = i % 50 == 7 ? "failed" : "success";
            items.add(i % 4 == 0
                    ? jobAsset("blt0job0asset" + i, "en-us", "blt0env0production", status)
                    : jobEntry("blt0job0entry" + i, "article", i % 3 == 0 ? "fr-fr" : "en-us", "blt0env0production", status));
        }
        stack.job("job-1000", "publish", items, 100, "total_count");

        JsonNode ack = deliver(jobWebhook("job-1000", "publish"));
        JsonNode execution = settled(ack.path("execution_uid").asText());

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("job_id").asText()).isEqualTo("job-1000");
        assertThat(execution.path("summary").path("succeeded").asLong()).isEqualTo(980);
        assertThat(execution.path("summary").path("skipped").asLong()).isEqualTo(20);
        for (int i = 0; i < 1000; i++) {
            boolean failed = i % 50 == 7;
            int status = i % 4 == 0
                    ? cachedAsset("blt0job0asset" + i, "production").statusCode()
                    : cachedEntry("article", "blt0job0entry" + i, "production", i % 3 == 0 ? "fr-fr" : "en-us").statusCode();
            assertThat(status).as("item %d", i).isEqualTo(failed ? 404 : 200);
        }
        JsonNode skipped = item(execution, "blt0job0entry7");
        assertThat(skipped.path("status").asText()).isEqualTo("skipped");
        assertThat(skipped.path("error").asText()).contains("workflow stage");
        cms.verify(10, getRequestedFor(urlPathEqualTo("/v3/bulk/jobs/job-1000/items")));
        cms.verify(980, getRequestedFor(urlPathMatching("/v3/(content_types/article/entries|assets)/blt0job0.*")));
    }

    @Test
    void anItemThatFailsOnOnePageDoesNotStopTheNextPages() {
        List<ObjectNode> items = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            items.add(jobEntry("blt0pages0entry" + i, "article", "en-us", "blt0env0production", "success"));
        }
        stack.job("job-pages", "publish", items, 100, "total_count");
        cms.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                urlPathEqualTo("/v3/content_types/article/entries/blt0pages0entry3")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(404)));

        JsonNode execution = settled(deliver(jobWebhook("job-pages", "publish")).path("execution_uid").asText());

        assertThat(execution.path("status").asText()).isEqualTo("partial");
        assertThat(execution.path("summary").path("succeeded").asLong()).isEqualTo(249);
        assertThat(execution.path("summary").path("failed").asLong()).isEqualTo(1);
        assertThat(cachedEntry("article", "blt0pages0entry249", "production", "en-us").statusCode()).isEqualTo(200);
        cms.verify(3, getRequestedFor(urlPathEqualTo("/v3/bulk/jobs/job-pages/items")));
    }

    @Test
    void unpublishJobEvictsWithoutFetching() {
        List<ObjectNode> published = List.of(
                jobEntry("blt0unpub0entry1", "article", "en-us", "blt0env0production", "success"),
                jobAsset("blt0unpub0asset1", "en-us", "blt0env0production", "success"),
                jobEntry("blt0unpub0keep01", "article", "en-us", "blt0env0production", "success"));
        stack.job("job-publish", "publish", published, 100, "total_count");
        assertThat(settled(deliver(jobWebhook("job-publish", "publish")).path("execution_uid").asText())
                .path("status").asText()).isEqualTo("succeeded");
        cms.resetRequests();

        List<ObjectNode> unpublished = List.of(
                jobEntry("blt0unpub0entry1", "article", "en-us", "blt0env0production", "success"),
                jobAsset("blt0unpub0asset1", "en-us", "blt0env0production", "success"));
        unpublished.forEach(i -> i.put("action", "unpublish"));
        // one SDK's mocks name the count "count": both are accepted
        stack.job("job-unpublish", "unpublish", unpublished, 100, "count");

        JsonNode ack = deliver(jobWebhook("job-unpublish", "unpublish"));
        assertThat(ack.path("channels").get(0).asText()).isEqualTo("jobs.environments.unpublish.completed");
        JsonNode execution = settled(ack.path("execution_uid").asText());

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("article", "blt0unpub0entry1", "production", "en-us").statusCode()).isEqualTo(404);
        assertThat(cachedAsset("blt0unpub0asset1", "production").statusCode()).isEqualTo(404);
        assertThat(cachedEntry("article", "blt0unpub0keep01", "production", "en-us").statusCode()).isEqualTo(200);
        // this job's items only: a scheduled retry left by another test may fetch its own item meanwhile
        cms.verify(0, getRequestedFor(urlPathMatching("/v3/(content_types/article/entries|assets)/blt0unpub0.*")));
    }

    @Test
    void jobItemInAnEnvironmentTheStackDoesNotKnowFailsThatItemOnly() {
        stack.job("job-unknown-env", "publish", List.of(
                jobEntry("blt0env0known0001", "article", "en-us", "blt0env0production", "success"),
                jobEntry("blt0env0unknown01", "article", "en-us", "blt0env0deleted", "success")), 100, "total_count");

        JsonNode execution = settled(deliver(jobWebhook("job-unknown-env", "publish")).path("execution_uid").asText());

        assertThat(execution.path("status").asText()).isEqualTo("partial");
        assertThat(item(execution, "blt0env0unknown01").path("error").asText()).contains("blt0env0deleted");
        assertThat(item(execution, "blt0env0known0001").path("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void jobThatTheManagementApiDoesNotKnowFailsTheExecution() {
        JsonNode execution = settled(deliver(jobWebhook("job-missing", "publish")).path("execution_uid").asText());

        assertThat(execution.path("status").asText()).isEqualTo("failed");
        assertThat(execution.path("error").asText()).contains("HTTP 404").contains("/v3/bulk/jobs/job-missing");
    }

    @Test
    void releaseDeployFansOutToEveryItem() {
        JsonNode execution = deliverAndSettle(fixture("release-deploy.json"));

        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("items")).hasSize(4);
        assertThat(cachedEntry("article", "blt0rel0entry00001", "production", "en-us").statusCode()).isEqualTo(200);
        assertThat(cachedEntry("article", "blt0rel0entry00002", "production", "en-us").statusCode()).isEqualTo(200);
        assertThat(cachedAsset("blt0rel0asset00033", "production").statusCode()).isEqualTo(200);
        assertThat(cachedAsset("blt0rel0asset00044", "production").statusCode()).isEqualTo(200);
    }

    @Test
    void supersededItemsCountAsHandledWhenSettlingTheStatus() {
        // already cached at a newer version: the job's copy is superseded, not failed
        deliverAndSettle(fixture("entry-publish-concise.json").replace("blt0entry0concise1", "blt0newer0entry1")
                .replace("\"_version\": 7", "\"_version\": 9, \"url\": \"/newer\"")
                .replace("2026-03-25T10:00:00.000Z", "2026-03-26T10:00:00.000Z"));
        cms.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/v3/content_types/article/entries/blt0newer0entry1"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                        "{\"entry\": {\"uid\": \"blt0newer0entry1\", \"_version\": 8}}")));
        cms.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/v3/content_types/article/entries/blt0gone0entry1"))
                .atPriority(1).willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(422)));
        stack.job("job-superseded", "publish", List.of(
                jobEntry("blt0newer0entry1", "article", "en-us", "blt0env0production", "success"),
                jobEntry("blt0gone0entry1", "article", "en-us", "blt0env0production", "success")), 100, "total_count");

        JsonNode execution = settled(deliver(jobWebhook("job-superseded", "publish")).path("execution_uid").asText());

        assertThat(item(execution, "blt0newer0entry1").path("status").asText()).isEqualTo("superseded");
        assertThat(item(execution, "blt0gone0entry1").path("status").asText()).isEqualTo("failed");
        assertThat(execution.path("status").asText()).isEqualTo("partial");
    }
}
