package io.cmsrouter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * A Contentstack stack over HTTP, in the documented shapes (shared/reference/contentstack-api.md): the CMA's
 * environments and bulk job APIs, and the CDA's single entry and asset APIs. Requests must carry the credentials
 * the router is configured with, as Contentstack requires.
 */
public final class ContentstackSimulator {
    public static final Map<String, String> ENVIRONMENTS =
            Map.of("blt0env0production", "production", "blt0env0staging", "staging", "blt0env0000000055", "blank");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final WireMockServer cms;

    ContentstackSimulator(WireMockServer cms) {
        this.cms = cms;
        environments(ENVIRONMENTS);
        anyPublishedEntryOrAsset();
    }

    /** {@code GET /v3/environments}: uid and name of each environment. */
    void environments(Map<String, String> uidToName) {
        ArrayNode environments = NODES.arrayNode();
        uidToName.forEach((uid, name) -> environments.addObject().put("uid", uid).put("name", name)
                .put("_version", 1).set("urls", NODES.arrayNode()));
        cms.stubFor(get(urlPathEqualTo("/v3/environments"))
                .withHeader("api_key", equalTo(RouterHttpTest.API_KEY))
                .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                .willReturn(okJson(NODES.objectNode().set("environments", environments).toString())));
    }

    /** The CDA answers any entry or asset as published in the environment and locale asked for. */
    void anyPublishedEntryOrAsset() {
        cms.stubFor(get(urlPathMatching("/v3/content_types/[^/]+/entries/[^/]+"))
                .withHeader("api_key", equalTo(RouterHttpTest.API_KEY))
                .withHeader("access_token", equalTo(RouterHttpTest.DELIVERY_TOKEN))
                .withHeader("branch", equalTo("main"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"entry\": {\"uid\": \"{{request.pathSegments.[4]}}\","
                                + " \"title\": \"Entry {{request.pathSegments.[4]}}\","
                                + " \"locale\": \"{{request.query.locale}}\", \"_version\": 1,"
                                + " \"_content_type_uid\": \"{{request.pathSegments.[2]}}\","
                                + " \"publish_details\": {\"environment\": \"{{request.query.environment}}\","
                                + " \"locale\": \"{{request.query.locale}}\"}}}")));
        cms.stubFor(get(urlPathMatching("/v3/assets/[^/]+"))
                .withHeader("api_key", equalTo(RouterHttpTest.API_KEY))
                .withHeader("access_token", equalTo(RouterHttpTest.DELIVERY_TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withTransformers("response-template")
                        .withBody("{\"asset\": {\"uid\": \"{{request.pathSegments.[2]}}\","
                                + " \"filename\": \"{{request.pathSegments.[2]}}.png\","
                                + " \"url\": \"https://images.example.com/{{request.pathSegments.[2]}}.png\","
                                + " \"_version\": 1, \"publish_details\": {\"environment\": \"{{request.query.environment}}\"}}}")));
    }

    /**
     * {@code GET /v3/bulk/jobs/{id}} and its items, {@code pageSize} a page; {@code total_count} only on the first page,
     * named {@code countField} (Contentstack says total_count, one SDK's mocks say count).
     */
    void job(String jobId, String action, List<ObjectNode> items, int pageSize, String countField) {
        ObjectNode job = NODES.objectNode().put("uid", jobId).put("action", action).put("status", "complete")
                .put("api_key", RouterHttpTest.API_KEY);
        job.putObject("body").put("branch", "main").set("environments", NODES.arrayNode().add("blt0env0production"));
        cms.stubFor(get(urlPathEqualTo("/v3/bulk/jobs/" + jobId))
                .withHeader("api_key", equalTo(RouterHttpTest.API_KEY))
                .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                .withHeader("api_version", equalTo("3.2"))
                .willReturn(okJson(job.toString())));
        for (int skip = 0; skip < Math.max(1, items.size()); skip += pageSize) {
            ArrayNode page = NODES.arrayNode();
            items.subList(skip, Math.min(items.size(), skip + pageSize)).forEach(page::add);
            ObjectNode body = NODES.objectNode().put("skip", skip).put("limit", pageSize);
            body.set("items", page);
            if (skip == 0) {
                body.put(countField, items.size());
            }
            cms.stubFor(get(urlPathEqualTo("/v3/bulk/jobs/" + jobId + "/items"))
                    .withQueryParam("include_count", equalTo("true"))
                    .withQueryParam("skip", equalTo(String.valueOf(skip)))
                    .withHeader("api_version", equalTo("3.2"))
                    .withHeader("authorization", equalTo(RouterHttpTest.MANAGEMENT_TOKEN))
                    .willReturn(okJson(body.toString())));
        }
    }

    /** Whether a request is a CDA fetch of an entry or an asset (what contentstack.cda-rate limits). */
    static boolean isCdaFetch(String url) {
        return url.startsWith("/v3/content_types/") || url.startsWith("/v3/assets/");
    }

    /** A publish job's items in production, {@code prefix-entry-i} (articles) and every fifth {@code prefix-asset-i}. */
    static List<ObjectNode> jobItems(String prefix, int count) {
        List<ObjectNode> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(i % 5 == 0 ? jobAsset(prefix + "-asset-" + i, "en-us", "blt0env0production", "success")
                    : jobEntry(prefix + "-entry-" + i, "article", "en-us", "blt0env0production", "success"));
        }
        return items;
    }

    /** Where the router serves item {@code i} of {@link #jobItems} from its cache. */
    static String cachePath(String prefix, int i) {
        return i % 5 == 0 ? "/cache/assets/" + prefix + "-asset-" + i + "?environment=production"
                : "/cache/entries/article/" + prefix + "-entry-" + i + "?environment=production&locale=en-us";
    }

    static ObjectNode jobEntry(String uid, String contentType, String locale, String environmentUid, String status) {
        ObjectNode item = jobItem(uid, "entry", locale, "", environmentUid, status);
        item.putObject("content_type").put("uid", contentType);
        return item;
    }

    static ObjectNode jobAsset(String uid, String publishLocale, String environmentUid, String status) {
        return jobItem(uid, "asset", "", publishLocale, environmentUid, status);
    }

    private static ObjectNode jobItem(String uid, String type, String locale, String publishLocale,
                                      String environmentUid, String status) {
        ObjectNode item = NODES.objectNode().put("uid", uid).put("type", type).put("locale", locale)
                .put("publish_locale", publishLocale).put("version", 1).put("title", uid)
                .put("environment", environmentUid).put("action", "publish").put("depth", 0);
        ObjectNode details = item.putObject("publish_details").put("status", status);
        if ("failed".equals(status)) {
            details.put("failure_reason", "Entry is in a workflow stage that cannot be published");
        }
        return item;
    }

    /** A concise entry publish webhook (what the router fetches from the CDA), of an article in production. */
    static String concisePublish(String uid, String triggeredAt) {
        return concisePublish(uid, triggeredAt, 1);
    }

    static String concisePublish(String uid, String triggeredAt, int version) {
        ObjectNode webhook = NODES.objectNode().put("module", "entry").put("api_key", RouterHttpTest.API_KEY)
                .put("event", "publish").put("triggered_at", triggeredAt);
        ObjectNode data = webhook.putObject("data");
        data.putObject("entry").put("uid", uid).put("title", uid).put("locale", "en-us").put("_version", version);
        data.putObject("content_type").put("uid", "article");
        data.putObject("environment").put("uid", "blt0env0production").put("name", "production");
        data.put("action", "publish").put("status", "success").put("locale", "en-us");
        return webhook.toString();
    }

    static String jobWebhook(String jobId, String action) {
        return "{\"module\": \"jobs\", \"api_key\": \"" + RouterHttpTest.API_KEY + "\", \"event\": \"" + action
                + ".completed\", \"triggered_at\": \"2026-03-25T10:00:00.000Z\", \"data\": {\"job\": {\"job_id\": \""
                + jobId + "\"}, \"summary\": {\"success\": 1}}}";
    }
}
