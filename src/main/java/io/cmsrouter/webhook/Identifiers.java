package io.cmsrouter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Body;
import org.springframework.stereotype.Component;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks, at the door, every field the router stores or builds a key or a channel name from: the envelope
 * ({@code module}, {@code event}), item and content type uids, environments, locales, job ids, the branch, a
 * release's items. Each must be a string of bounded length and plain characters, so whatever is accepted can be
 * stored and processed; anything else is refused with the field's path. Fields the router does not read are not
 * checked.
 */
@Component("identifiers")
public class Identifiers {
    /** uids, content type uids, job ids, branches: Contentstack's are letters, digits, '_' and '-'. */
    public static final Rule ID = new Rule(128, Pattern.compile("[\\p{L}\\p{N}_.-]+"), "letters, digits, '_', '.' and '-'");
    /** environment names, which a stack's owner chooses. */
    public static final Rule NAME = new Rule(128, Pattern.compile("[\\p{L}\\p{N} _.-]+"), "letters, digits, spaces, '_', '.' and '-'");
    public static final Rule LOCALE = new Rule(64, Pattern.compile("[A-Za-z0-9_-]+"), "letters, digits, '_' and '-'");
    /** event names and statuses. */
    public static final Rule WORD = new Rule(64, Pattern.compile("[A-Za-z0-9_.-]+"), "letters, digits, '_', '.' and '-'");
    /** what is done to an item: publish, unpublish, delete. */
    public static final Rule ACTION = new Rule(32, Pattern.compile("[A-Za-z0-9_.-]+"), "letters, digits, '_', '.' and '-'");
    public static final Rule MODULE = new Rule(64, Pattern.compile("[A-Za-z0-9 _.-]+"), "letters, digits, spaces, '_', '.' and '-'");

    private static final String[] ITEMS = {"entry", "asset", "content_type", "global_field", "release", "comment",
            "discussion"};

    public record Rule(int maxLength, Pattern characters, String allowed) {
        /** Whether a value read from elsewhere (a CMA answer) is one the router can store and key by. */
        public boolean accepts(String value) {
            return value == null || value.isEmpty() || value.length() <= maxLength && characters.matcher(value).matches();
        }
    }

    /** @throws InvalidEventException naming the first field that is missing, of the wrong type, too long or odd */
    public void check(@Body JsonNode event) {
        required(event, "module", MODULE);
        required(event, "event", WORD);
        JsonNode data = event.path("data");
        if (!data.isMissingNode() && !data.isObject()) {
            throw new InvalidEventException("data", "must be an object");
        }
        for (String name : ITEMS) {
            JsonNode item = data.path(name);
            String path = "data." + name;
            optional(item, "uid", path, ID);
            optional(item, "_content_type_uid", path, ID);
            optional(item, "locale", path, LOCALE);
            optional(item, "entry_uid", path, ID);
            JsonNode details = item.path("publish_details");
            if (details.isArray()) {
                for (int i = 0; i < details.size(); i++) {
                    publishDetails(details.get(i), path + ".publish_details[" + i + "]");
                }
            } else {
                publishDetails(details, path + ".publish_details");
            }
        }
        EventFacts.Module module = EventFacts.moduleOf(event.get("module").asText());
        if (module == EventFacts.Module.CONTENT_TYPE || module == EventFacts.Module.GLOBAL_FIELD) {
            // which may come as data itself (EventFacts.schemaItem)
            optional(data, "uid", "data", ID);
        }
        JsonNode environment = data.path("environment");
        optional(environment, "uid", "data.environment", ID);
        optional(environment, "name", "data.environment", NAME);
        optional(data, "locale", "data", LOCALE);
        optional(data, "status", "data", WORD);
        optional(data, "action", "data", ACTION);
        optional(data.path("branch"), "uid", "data.branch", ID);
        JsonNode releaseItems = data.path("release").path("items");
        for (int i = 0; i < releaseItems.size(); i++) {
            JsonNode item = releaseItems.get(i);
            String path = "data.release.items[" + i + "]";
            optional(item, "uid", path, ID);
            optional(item, "content_type_uid", path, ID);
            optional(item, "locale", path, LOCALE);
            optional(item, "action", path, ACTION);
            optional(item, "type", path, WORD);
        }
        // read wherever they sit (the job payload is undocumented), so checked wherever they sit
        everywhere(event, "");
    }

    private static void publishDetails(JsonNode details, String path) {
        optional(details, "environment", path, ID);
        optional(details, "locale", path, LOCALE);
    }

    private static void required(JsonNode event, String field, Rule rule) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEventException(field, "is missing");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidEventException(field, "must be a non-empty string");
        }
        conforms(field, value.asText(), rule);
    }

    /** An absent, null or empty field is fine (the router does without it); anything else must be a valid string. */
    private static void optional(JsonNode parent, String field, String parentPath, Rule rule) {
        JsonNode value = parent == null || !parent.isObject() ? null : parent.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        String path = parentPath.isEmpty() ? field : parentPath + "." + field;
        if (!value.isTextual()) {
            throw new InvalidEventException(path, "must be a string");
        }
        if (!value.asText().isEmpty()) {
            conforms(path, value.asText(), rule);
        }
    }

    private static void everywhere(JsonNode node, String path) {
        if (node.isObject()) {
            optional(node, "job_id", path, ID);
            optional(node, "environment_name", path, NAME);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> child = it.next();
                if (child.getValue().isContainerNode()) {
                    everywhere(child.getValue(), path.isEmpty() ? child.getKey() : path + "." + child.getKey());
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                everywhere(node.get(i), path + "[" + i + "]");
            }
        }
    }

    private static void conforms(String path, String value, Rule rule) {
        if (rule.accepts(value)) {
            return;
        }
        if (value.length() > rule.maxLength()) {
            throw new InvalidEventException(path, "is longer than " + rule.maxLength() + " characters");
        }
        throw new InvalidEventException(path, "may hold only " + rule.allowed());
    }
}
