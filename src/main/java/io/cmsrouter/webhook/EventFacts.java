package io.cmsrouter.webhook;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The facts the router needs from a Contentstack webhook, read once from its JSON envelope.
 * Contentstack's payloads vary by module and by age (e.g. {@code module: "content types"} vs {@code "content_type"},
 * {@code event: "publish"} with {@code data.status} vs {@code event: "publish.success"}); this class absorbs that.
 */
public record EventFacts(Module module, String rawModule, String event, String outcome, String contentTypeUid,
                         String itemUid, String environmentUid, String environmentName, String locale,
                         String status, String jobId, String jobAction, String sourceType) {

    public enum Module { ENTRY, ASSET, CONTENT_TYPE, GLOBAL_FIELD, COMMENT, DISCUSSION, RELEASE, JOB, OTHER }

    /** The asset pseudo content type Contentstack uses in release items and legacy payloads. */
    public static final String ASSET_CONTENT_TYPE = "built_io_upload";

    public static EventFacts of(JsonNode event) {
        JsonNode data = event.path("data");
        String rawModule = event.path("module").asText("");
        String eventName = event.path("event").asText("");
        String jobId = findText(event, "job_id");
        Module module = moduleOf(rawModule);
        // A job webhook is known by its job_id; an entry or asset event that happens to carry one stays what it is.
        if (jobId != null && (module == Module.OTHER || eventName.toLowerCase(Locale.ROOT).endsWith("completed"))) {
            module = Module.JOB;
        }

        JsonNode item = switch (module) {
            case ASSET -> data.path("asset");
            case CONTENT_TYPE -> schemaItem(data, "content_type");
            case GLOBAL_FIELD -> schemaItem(data, "global_field");
            case RELEASE -> data.path("release");
            default -> data.path("entry");
        };
        String contentTypeUid = switch (module) {
            case CONTENT_TYPE -> text(item, "uid");
            case DISCUSSION, COMMENT -> firstText(text(data.path("content_type"), "uid"),
                    text(data.path("discussion"), "_content_type_uid"));
            default -> firstText(text(data.path("content_type"), "uid"), text(item, "_content_type_uid"));
        };
        String itemUid = switch (module) {
            case COMMENT, DISCUSSION -> firstText(text(data.path("entry"), "uid"),
                    text(data.path("comment"), "entry_uid"), text(data.path("discussion"), "entry_uid"));
            default -> text(item, "uid");
        };
        JsonNode environment = data.path("environment");
        // release-sourced publishes may come without data.environment: the item's publish_details names it by uid
        JsonNode publishDetails = item.path("publish_details");
        JsonNode firstDetail = publishDetails.isArray() ? publishDetails.path(0) : publishDetails;
        boolean hasEnvironment = environment.isObject();
        String environmentUid = firstText(text(environment, "uid"),
                hasEnvironment ? null : text(firstDetail, "environment"));
        String locale = firstText(text(data, "locale"), text(item, "locale"), text(firstDetail, "locale"));
        String outcome = outcomeOf(eventName, text(data, "status"), module);
        String jobAction = module == Module.JOB ? jobActionOf(eventName, event) : null;
        String environmentName = firstText(text(environment, "name"),
                module == Module.JOB ? findText(event, "environment_name") : null);
        return new EventFacts(module, rawModule, eventName, outcome, contentTypeUid, itemUid,
                environmentUid, environmentName, locale, text(data, "status"), jobId, jobAction,
                text(event.path("source"), "type"));
    }

    /** A content type or global field: under its own key, or (a delete seen in the wild) as {@code data} itself. */
    static JsonNode schemaItem(JsonNode data, String key) {
        JsonNode wrapped = data.path(key);
        return wrapped.isObject() || text(data, "uid") == null ? wrapped : data;
    }

    /** What the event is about: its job, or its module and item (content type uid and item uid). */
    public String subject() {
        if (jobId != null) {
            return "job|" + jobId;
        }
        return String.join("|", module.name(), String.valueOf(contentTypeUid), String.valueOf(itemUid));
    }

    /** The action without its outcome: {@code publish.success} is a {@code publish}. */
    public String action() {
        int dot = outcome.indexOf('.');
        return dot < 0 ? outcome : outcome.substring(0, dot);
    }

    public boolean succeeded() {
        return !outcome.endsWith(".fail") && !outcome.endsWith(".start");
    }

    static Module moduleOf(String rawModule) {
        String m = rawModule.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        return switch (m) {
            case "entry", "entries" -> Module.ENTRY;
            case "asset", "assets" -> Module.ASSET;
            case "contenttype", "contenttypes" -> Module.CONTENT_TYPE;
            case "globalfield", "globalfields" -> Module.GLOBAL_FIELD;
            case "comment", "comments" -> Module.COMMENT;
            case "discussion", "discussions" -> Module.DISCUSSION;
            case "release", "releases" -> Module.RELEASE;
            case "job", "jobs", "bulkjob", "bulkjobs" -> Module.JOB;
            default -> Module.OTHER;
        };
    }

    /** Publish events name their outcome either in the event ({@code publish.success}) or in {@code data.status}. */
    static String outcomeOf(String event, String status, Module module) {
        String e = event.toLowerCase(Locale.ROOT);
        boolean publishing = e.equals("publish") || e.equals("unpublish");
        if (publishing && module != Module.JOB) {
            String s = status == null ? "success" : status.toLowerCase(Locale.ROOT);
            return e + "." + (s.startsWith("fail") ? "fail" : s);
        }
        return e;
    }

    /** The job webhook's payload is undocumented: take the action from the event name, else from any {@code action}. */
    static String jobActionOf(String event, JsonNode payload) {
        String e = event.toLowerCase(Locale.ROOT);
        if (e.contains("unpublish")) {
            return "unpublish";
        }
        if (e.contains("publish")) {
            return "publish";
        }
        String action = findText(payload, "action");
        return action == null ? null : action.toLowerCase(Locale.ROOT);
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isValueNode() && !value.asText().isEmpty() ? value.asText() : null;
    }

    static String firstText(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** Depth-first search for the first non-empty scalar field of that name, wherever it sits. */
    public static String findText(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        if (node.isObject()) {
            String direct = text(node, field);
            if (direct != null) {
                return direct;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                String found = findText(it.next().getValue(), field);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                String found = findText(element, field);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
