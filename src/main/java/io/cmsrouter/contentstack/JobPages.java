package io.cmsrouter.contentstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.common.Timestamps;
import io.cmsrouter.content.CacheKeys;
import io.cmsrouter.content.Outcome;
import io.cmsrouter.content.Page;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.webhook.EventFacts;
import io.cmsrouter.webhook.Identifiers;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one page of {@code GET /v3/bulk/jobs/{job_id}/items} into a {@link Page}: the work items, and the items
 * recorded without being fetched (Contentstack failed to publish them, or they name something the router cannot
 * store), where the next page starts and whether one follows.
 */
@Component("jobPages")
public class JobPages {
    public static final String SKIP = "skip";
    public static final String TOTAL = "totalItems";

    private final CacheKeys cacheKeys;
    private final int pageSize;

    public JobPages(CacheKeys cacheKeys, @Value("${router.fanout.page-size}") int pageSize) {
        this.cacheKeys = cacheKeys;
        this.pageSize = Math.min(100, pageSize);
    }

    /** Job items asked for per page: router.fanout.page-size, at most Contentstack's 100. */
    public int pageSize() {
        return pageSize;
    }

    /** The job webhook's payload is undocumented: its job_id is taken from wherever it sits. */
    public String jobId(@Body JsonNode event) {
        String jobId = EventFacts.findText(event, "job_id");
        if (jobId == null) {
            throw new IllegalArgumentException("job webhook without a job_id");
        }
        return jobId;
    }

    @SuppressWarnings("unchecked")
    public Page read(@Body JsonNode page, Exchange exchange) {
        JsonNode job = exchange.getProperty("job", JsonNode.class);
        Map<String, String> environmentNames = exchange.getProperty("environmentNames", Map.class);
        String jobAction = job.path("action").asText("publish").toLowerCase(Locale.ROOT);
        // items order by when they were published; the job's own time stands in for items that do not say
        Instant jobTime = Timestamps.parseOr(job.path("updated_at").asText(null),
                Timestamps.parseOr(job.path("created_at").asText(null), Instant.now()));

        JsonNode items = page.path("items");
        List<WorkItem> work = new ArrayList<>(items.size());
        List<Outcome> skipped = new ArrayList<>();
        for (JsonNode i : items) {
            WorkItem item = toWorkItem(i, jobAction, environmentNames,
                    Timestamps.parseOr(i.path("published_at").asText(null), jobTime));
            JsonNode details = i.path("publish_details");
            if (!usable(item)) {
                skipped.add(Outcome.skipped(item.truncated(), "the job item names a uid, content type, locale or"
                        + " environment the router cannot store"));
            } else if ("failed".equalsIgnoreCase(details.path("status").asText())) {
                skipped.add(Outcome.skipped(item, "Contentstack reported the " + item.action() + " failed: "
                        + details.path("failure_reason").asText("no reason given")));
            } else {
                work.add(item);
            }
        }
        int skip = exchange.getProperty(SKIP, 0, Integer.class);
        int next = skip + items.size();
        boolean more = items.size() > 0 && hasMore(exchange, page, next, items.size());
        return Page.of(work, skipped, next, more, exchange.getProperty(TOTAL, Integer.class));
    }

    private static boolean usable(WorkItem item) {
        return item.uid() != null && Identifiers.ID.accepts(item.uid()) && Identifiers.ID.accepts(item.contentTypeUid())
                && Identifiers.LOCALE.accepts(item.locale()) && Identifiers.ID.accepts(item.environmentUid())
                && Identifiers.ACTION.accepts(item.action());
    }

    private WorkItem toWorkItem(JsonNode i, String jobAction, Map<String, String> environmentNames, Instant jobTime) {
        String type = "asset".equals(i.path("type").asText()) ? WorkItem.ASSET : WorkItem.ENTRY;
        String locale = firstNonEmpty(i.path("locale").asText(""), i.path("publish_locale").asText(""),
                cacheKeys.masterLocale());
        String environmentUid = i.path("environment").asText(null);
        String action = firstNonEmpty(i.path("action").asText(""), jobAction, jobAction).toLowerCase(Locale.ROOT);
        JsonNode version = i.get("version");
        return new WorkItem(type, type.equals(WorkItem.ENTRY) ? i.path("content_type").path("uid").asText(null) : null,
                i.path("uid").asText(null), locale, environmentNames.get(environmentUid), environmentUid, action,
                version != null && version.canConvertToInt() ? version.asInt() : null,
                i.path("title").asText(null), null, jobTime);
    }

    /**
     * {@code total_count} (or {@code count}) arrives on the first page only, and is kept with the job's progress for a
     * resumed run; without it, a short page is the last.
     */
    private boolean hasMore(Exchange exchange, JsonNode page, int next, int read) {
        Integer total = exchange.getProperty(TOTAL, Integer.class);
        JsonNode count = page.has("total_count") ? page.get("total_count") : page.get("count");
        if (total == null && count != null && count.canConvertToInt()) {
            total = count.asInt();
            exchange.setProperty(TOTAL, total);
        }
        return total != null ? next < total : read >= pageSize;
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }
}
