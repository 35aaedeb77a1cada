package io.cmsrouter.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated stack's content, the same on every start: {@code demo.stack.entries} articles
 * ({@code blt0entry0example01}, ...) in en-us and {@code demo.stack.assets} images ({@code blt0asset0example01},
 * ...), all published to production and staging, under the uids the examples use. A bulk job, whatever its id,
 * lists the whole catalogue in production: an unpublish when its id starts with {@code unpublish}, a publish
 * otherwise.
 */
@Profile("demo")
@Component
public class DemoCatalogue {
    public static final String LOCALE = "en-us";
    public static final String CONTENT_TYPE = "article";
    public static final String PRODUCTION = "blt0env0production";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // a fixed creation time keeps every answer but a job's publish time the same from one start to the next
    private static final String CREATED_AT = "2026-01-05T09:00:00.000Z";
    private static final String USER = "blt0demo0user";

    private final Map<String, String> environments = new LinkedHashMap<>();
    private final int entries;
    private final int assets;

    public DemoCatalogue(DemoProperties properties) {
        environments.put(PRODUCTION, "production");
        environments.put("blt0env0staging", "staging");
        this.entries = properties.stack().entries();
        this.assets = properties.stack().assets();
    }

    public static String jobAction(String jobId) {
        return jobId.startsWith("unpublish") ? "unpublish" : "publish";
    }

    public static String entryUid(int n) {
        return String.format("blt0entry0example%02d", n);
    }

    public static String assetUid(int n) {
        return String.format("blt0asset0example%02d", n);
    }

    public int size() {
        return entries + assets;
    }

    /** {@code GET /v3/environments}' list. */
    public ArrayNode environments() {
        ArrayNode list = NODES.arrayNode();
        environments.forEach((uid, name) -> list.add(environment(uid, name)));
        return list;
    }

    /** An environment by name (as the CMA takes it) or by uid. */
    public Optional<ObjectNode> environment(String nameOrUid) {
        return environments.entrySet().stream()
                .filter(e -> e.getKey().equals(nameOrUid) || e.getValue().equals(nameOrUid))
                .findFirst().map(e -> environment(e.getKey(), e.getValue()));
    }

    private static ObjectNode environment(String uid, String name) {
        ObjectNode environment = NODES.objectNode().put("uid", uid).put("name", name);
        environment.putArray("urls").addObject().put("locale", LOCALE).put("url", "https://" + name + ".example.com");
        return environment.put("created_at", CREATED_AT).put("updated_at", CREATED_AT).put("_version", 1);
    }

    /** The CDA's entry, published in that environment (by name) and locale, or empty: the CDA's 422. */
    public Optional<ObjectNode> entry(String contentType, String uid, String environmentName, String locale) {
        int n = number(uid, "blt0entry0example", entries);
        Optional<String> environmentUid = environmentUid(environmentName);
        if (n == 0 || !CONTENT_TYPE.equals(contentType) || !LOCALE.equals(locale) || environmentUid.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode entry = NODES.objectNode().put("uid", uid).put("title", "Demo article " + n)
                .put("url", "/articles/demo-article-" + n)
                .put("summary", "Article " + n + " of the demo profile's simulated stack.")
                .put("locale", LOCALE).put("_content_type_uid", CONTENT_TYPE).put("_version", 1)
                .put("created_at", CREATED_AT).put("updated_at", CREATED_AT);
        entry.set("publish_details", publishDetails(environmentUid.get()).put("locale", LOCALE));
        return Optional.of(entry);
    }

    /** The CDA's asset, published in that environment (by name), or empty. */
    public Optional<ObjectNode> asset(String uid, String environmentName) {
        int n = number(uid, "blt0asset0example", assets);
        Optional<String> environmentUid = environmentUid(environmentName);
        if (n == 0 || environmentUid.isEmpty()) {
            return Optional.empty();
        }
        String filename = "demo-image-" + n + ".png";
        ObjectNode asset = NODES.objectNode().put("uid", uid).put("title", filename).put("filename", filename)
                .put("url", "https://images.example.com/demo/" + filename).put("content_type", "image/png")
                .put("file_size", String.valueOf(20_000 + 1_000 * n)).put("_version", 1)
                .put("created_at", CREATED_AT).put("updated_at", CREATED_AT);
        asset.set("publish_details", publishDetails(environmentUid.get()));
        return Optional.of(asset);
    }

    /** Every item of the catalogue as a job item of {@code GET /v3/bulk/jobs/{id}/items}, published at {@code at}. */
    public List<ObjectNode> jobItems(String action, Instant at) {
        List<ObjectNode> items = new ArrayList<>(size());
        for (int n = 1; n <= entries; n++) {
            ObjectNode item = jobItem(entryUid(n), "entry", LOCALE, "", "Demo article " + n, action, at);
            item.putObject("content_type").put("uid", CONTENT_TYPE);
            items.add(item);
        }
        for (int n = 1; n <= assets; n++) {
            items.add(jobItem(assetUid(n), "asset", "", LOCALE, "demo-image-" + n + ".png", action, at));
        }
        return items;
    }

    private static ObjectNode jobItem(String uid, String type, String locale, String publishLocale, String title,
                                      String action, Instant at) {
        ObjectNode item = NODES.objectNode().put("uid", uid).put("type", type).put("locale", locale)
                .put("publish_locale", publishLocale).put("version", 1).put("title", title)
                .put("environment", PRODUCTION).put("action", action).put("published_at", at.toString())
                .putNull("scheduled_at").put("user", USER).put("depth", 0);
        item.putObject("publish_details").put("status", "success");
        return item;
    }

    private static ObjectNode publishDetails(String environmentUid) {
        return NODES.objectNode().put("environment", environmentUid).put("time", CREATED_AT).put("user", USER);
    }

    private Optional<String> environmentUid(String name) {
        return environments.entrySet().stream().filter(e -> e.getValue().equals(name)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** n of {@code prefix} followed by n (two digits at least), when 1 <= n <= count; else 0. */
    private static int number(String uid, String prefix, int count) {
        if (!uid.matches(prefix + "\\d{2,6}")) {
            return 0;
        }
        int n = Integer.parseInt(uid.substring(prefix.length()));
        return n >= 1 && n <= count ? n : 0;
    }
}
