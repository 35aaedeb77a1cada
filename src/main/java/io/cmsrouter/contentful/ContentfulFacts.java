package io.cmsrouter.contentful;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.webhook.InvalidEventException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the router needs from a Contentful webhook: the topic ({@code X-Contentful-Topic},
 * {@code ContentManagement.<Type>.<action>}) and, from the payload's {@code sys}, the entity, its environment (a
 * delivery without one is from {@code master}, as old ones are), its content type, its version, and the status of an
 * action event (releases, bulk and scheduled actions report their outcome there).
 */
public record ContentfulFacts(String topic, String type, String action, String id, String environment,
                              String contentType, Integer version, String status) {

    public static final String DEFAULT_ENVIRONMENT = "master";
    private static final Pattern TOPIC = Pattern.compile("ContentManagement\\.([A-Za-z]{1,64})\\.([A-Za-z_]{1,64})");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z]{1,64}");
    private static final Pattern LOCALE = Pattern.compile("[A-Za-z0-9-]{1,64}");

    /**
     * @throws InvalidEventException naming the header or field when the topic is not
     *                               {@code ContentManagement.<Type>.<action>} or an id the router keys by is not one
     */
    public static ContentfulFacts of(String topic, JsonNode payload) {
        var m = topic == null ? null : TOPIC.matcher(topic.trim());
        if (m == null || !m.matches()) {
            throw new InvalidEventException("X-Contentful-Topic", "must be ContentManagement.<Type>.<action>");
        }
        JsonNode sys = payload.path("sys");
        checkLocales(payload.path("fields"));
        String environment = id(sys.path("environment").path("sys"), "sys.environment.sys.id");
        return new ContentfulFacts(m.group(0), m.group(1), m.group(2), id(sys, "sys.id"),
                environment == null ? DEFAULT_ENVIRONMENT : environment,
                id(sys.path("contentType").path("sys"), "sys.contentType.sys.id"), version(sys),
                lower(word(sys, "sys.status")));
    }

    /** Field values are keyed by locale code ({@code fields.title.en-US}); those codes end up in cache keys. */
    private static void checkLocales(JsonNode fields) {
        for (var field = fields.fields(); field.hasNext(); ) {
            var entry = field.next();
            for (var locale = entry.getValue().fieldNames(); locale.hasNext(); ) {
                String code = locale.next();
                if (!LOCALE.matcher(code).matches()) {
                    throw new InvalidEventException("fields." + entry.getKey() + "." + code,
                            "is not a locale code (up to 64 letters, digits and '-')");
                }
            }
        }
    }

    /** Contentful ids: up to 64 letters, digits, '-', '_' and '.'. */
    private static String id(JsonNode node, String path) {
        String value = text(node, path.substring(path.lastIndexOf('.') + 1), path);
        if (value != null && !ID.matcher(value).matches()) {
            throw new InvalidEventException(path, "must be up to 64 letters, digits, '-', '_' or '.'");
        }
        return value;
    }

    private static String word(JsonNode node, String path) {
        String value = text(node, path.substring(path.lastIndexOf('.') + 1), path);
        if (value != null && !WORD.matcher(value).matches()) {
            throw new InvalidEventException(path, "must be up to 64 letters");
        }
        return value;
    }

    /** What the event is about, for telling a redelivery from the same change made again. */
    public String subject() {
        return String.join("|", "contentful", type, environment, String.valueOf(id));
    }

    /** The topic an execution's stored module ({@code type}) and event ({@code action}) stand for. */
    public static String topic(String type, String action) {
        return "ContentManagement." + type + "." + action;
    }

    /**
     * Orders publishes of the same entity: {@code sys.publishedVersion}, which recent publishes carry. Contentful's
     * other counters ({@code version}, {@code revision}) count something else, so events without it are ordered by
     * their time alone.
     */
    private static Integer version(JsonNode sys) {
        JsonNode v = sys.get("publishedVersion");
        return v != null && v.canConvertToInt() ? v.intValue() : null;
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(path, "must be a string");
        }
        return value.asText().isEmpty() ? null : value.asText();
    }

    private static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
