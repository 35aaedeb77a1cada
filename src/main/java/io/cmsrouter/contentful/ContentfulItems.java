package io.cmsrouter.contentful;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.common.Timestamps;
import io.cmsrouter.content.Page;
import io.cmsrouter.content.WorkItem;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a Contentful entry, asset or content type event into {@link WorkItem}s. A publish is one item per locale the
 * payload has values in (the payload is the management form, every locale at once; each locale is fetched as the
 * CDA serves it). An unpublish, archive or delete is one item that takes the entity out of its environment in every
 * locale; a content type's delete takes out its entries.
 */
@Component("contentfulItems")
public class ContentfulItems {
    private final int pageSize;
    private final ObjectMapper mapper;

    public ContentfulItems(@Value("${router.fanout.page-size}") int pageSize, ObjectMapper mapper) {
        this.pageSize = Math.max(1, pageSize);
        this.mapper = mapper;
    }

    /** The page of the event's items that starts at {@code skip}. */
    public Page page(@Body JsonNode event, @ExchangeProperty("topic") String topic,
                     @ExchangeProperty("skip") Integer skip) {
        return Page.of(items(ContentfulFacts.of(topic, event), event), skip == null ? 0 : skip, pageSize);
    }

    /** The action an execute event reports; a failed or canceled one ends the run here with its reason. */
    public ContentfulAction action(@Body JsonNode event, @ExchangeProperty("topic") String topic) {
        return ContentfulAction.of(ContentfulFacts.of(topic, event), event);
    }

    /** The entries and assets of a release, as the CMA lists them. */
    public List<ContentfulAction.Link> releaseEntities(@Body String release) throws JsonProcessingException {
        return ContentfulAction.links(mapper.readTree(release).path("entities").path("items"));
    }

    /**
     * The page of an action's items that starts at {@code skip}: each entity (listed by the action, or those of its
     * release) in each of the space's locales for a publish, one eviction per entity for an unpublish, nothing for a
     * validation.
     */
    public Page actionPage(@ExchangeProperty("event") JsonNode event, @ExchangeProperty("action") ContentfulAction action,
                           @ExchangeProperty("entities") List<ContentfulAction.Link> releaseEntities,
                           @ExchangeProperty("locales") List<String> locales, @ExchangeProperty("skip") Integer skip) {
        List<ContentfulAction.Link> entities = releaseEntities == null ? action.entities() : releaseEntities;
        List<WorkItem> items = new ArrayList<>();
        // when the action ran, not when the router got to it: a later single publish must still win
        Instant time = eventTime(event);
        for (ContentfulAction.Link link : entities) {
            String type = itemType(link.linkType());
            if (action.publishes()) {
                for (String locale : locales) {
                    items.add(WorkItem.contentful(type, null, link.id(), locale, action.environment(), "publish", null,
                            time));
                }
            } else if (action.action().equals("unpublish")) {
                items.add(WorkItem.contentful(type, null, link.id(), null, action.environment(), "unpublish", null,
                        time));
            }
        }
        return Page.of(items, skip == null ? 0 : skip, pageSize);
    }

    List<WorkItem> items(ContentfulFacts f, JsonNode event) {
        Instant time = eventTime(event);
        if (f.type().equals("ContentType")) {
            return List.of(WorkItem.contentful(WorkItem.CF_CONTENT_TYPE, f.id(), f.id(), null, f.environment(),
                    "delete", f.version(), time));
        }
        String type = itemType(f.type());
        if (f.id() == null) {
            throw new IllegalArgumentException(f.topic() + " event without sys.id");
        }
        if (!f.action().equals("publish")) {
            return List.of(WorkItem.contentful(type, f.contentType(), f.id(), null, f.environment(), f.action(),
                    f.version(), time));
        }
        List<WorkItem> items = new ArrayList<>();
        for (String locale : locales(event.path("fields"))) {
            items.add(WorkItem.contentful(type, f.contentType(), f.id(), locale, f.environment(), "publish",
                    f.version(), time));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(f.topic() + " event without fields in any locale");
        }
        return items;
    }

    /** An asset is an asset; anything else an entry names is an entry. */
    private static String itemType(String entityType) {
        return entityType.equals("Asset") ? WorkItem.CF_ASSET : WorkItem.CF_ENTRY;
    }

    /** The locales of the management form's field values: {@code fields.<name>.<locale>}. */
    static Set<String> locales(JsonNode fields) {
        Set<String> locales = new TreeSet<>();
        for (JsonNode field : fields) {
            for (Iterator<String> it = field.fieldNames(); it.hasNext(); ) {
                locales.add(it.next());
            }
        }
        return locales;
    }

    /** When the change happened: the entity's last update as Contentful states it, else now. */
    private static Instant eventTime(JsonNode event) {
        JsonNode sys = event.path("sys");
        String at = sys.path("updatedAt").asText(sys.path("deletedAt").asText(""));
        return Timestamps.parseOr(at, Instant.now());
    }
}
