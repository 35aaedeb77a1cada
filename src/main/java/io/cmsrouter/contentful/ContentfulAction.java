package io.cmsrouter.contentful;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A release action, bulk action or scheduled action as its {@code execute} event reports it: what it did
 * ({@code publish}, {@code unpublish}, {@code validate}), in which environment, to which entities (listed, or those of
 * a release), and whether it succeeded.
 */
public record ContentfulAction(String action, String environment, String releaseId, List<Link> entities) {

    /** An entry or asset the action applied to. */
    public record Link(String linkType, String id) {
    }

    /** A failed or canceled action: nothing of it is applied. */
    public static class NotApplied extends RuntimeException {
        public NotApplied(String reason) {
            super(reason);
        }
    }

    public boolean publishes() {
        return "publish".equals(action);
    }

    /** @throws NotApplied when the action did not succeed */
    static ContentfulAction of(ContentfulFacts f, JsonNode event) {
        if (!"succeeded".equals(f.status())) {
            throw new NotApplied(f.type() + " " + f.id() + " " + (f.status() == null ? "has no status" : f.status())
                    + errors(event.path("error")));
        }
        JsonNode sys = event.path("sys");
        return switch (f.type()) {
            case "BulkAction" -> new ContentfulAction(event.path("action").asText(), f.environment(), null,
                    links(event.path("payload").path("entities").path("items")));
            case "ReleaseAction" -> new ContentfulAction(event.path("action").asText(), f.environment(),
                    sys.path("release").path("sys").path("id").asText(null), List.of());
            default -> scheduled(f, event);
        };
    }

    /** A scheduled action names one entity; a release's entities are read like a release action's. */
    private static ContentfulAction scheduled(ContentfulFacts f, JsonNode event) {
        JsonNode entity = event.path("entity").path("sys");
        String linkType = entity.path("linkType").asText("");
        String id = entity.path("id").asText(null);
        String action = event.path("action").asText();
        return linkType.equals("Release") ? new ContentfulAction(action, f.environment(), id, List.of())
                : new ContentfulAction(action, f.environment(), null, List.of(new Link(linkType, id)));
    }

    /** The entries and assets of a list of links (a bulk action's payload, a release's entities). */
    static List<Link> links(JsonNode items) {
        List<Link> links = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode sys = item.path("sys");
            links.add(new Link(sys.path("linkType").asText(""), sys.path("id").asText(null)));
        }
        return links;
    }

    /** Contentful's per-entity error details, for the execution's reason. */
    private static String errors(JsonNode error) {
        JsonNode details = error.path("details").path("errors");
        if (!details.isArray() || details.isEmpty()) {
            String id = error.path("sys").path("id").asText("");
            return id.isEmpty() ? "" : ": " + id;
        }
        List<String> reasons = new ArrayList<>();
        for (JsonNode e : details) {
            String entity = e.path("entity").path("sys").path("id").asText("?");
            String reason = e.path("error").path("sys").path("id").asText(e.path("error").toString());
            reasons.add(entity + " " + reason);
        }
        return ": " + String.join("; ", reasons);
    }
}
