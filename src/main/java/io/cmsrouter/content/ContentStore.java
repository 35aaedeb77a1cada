package io.cmsrouter.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import org.apache.camel.Header;
import org.apache.camel.component.caffeine.CaffeineConstants;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The content cache's durable copy (table content_item), with the Caffeine cache "content" in front for reads.
 * <p>
 * Last write wins by event order, never by arrival: an event is applied unless the store already holds a newer one
 * for the same key. Newer means a higher {@code _version} when both are known, else a later event time
 * (triggered_at for single events and releases, published_at or the job's time for job items). Unpublish and delete
 * leave a tombstone that keeps its order, and a delete is remembered per item (or content type) even where nothing
 * was stored, so an older publish arriving afterwards changes nothing.
 * <p>
 * Writes join the caller's transaction, so they commit with the results that record them. The keys they touch stay
 * locked ({@link ContentLocks}) until that transaction ends. The in-memory cache holds what is read: a write
 * invalidates its key once it commits, here and, through {@link ContentChanges}, in every other instance; the next
 * read loads it.
 */
@Component("contentStore")
public class ContentStore {
    private final JdbcTemplate jdbc;
    private final Cache<String, byte[]> content;
    private final ContentLocks locks;
    private final ContentChanges changes;
    private final ObjectMapper mapper;

    public ContentStore(JdbcTemplate jdbc, Cache<String, byte[]> content, ContentLocks locks, ContentChanges changes,
                        ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.content = content;
        this.locks = locks;
        this.changes = changes;
        this.mapper = mapper;
    }

    /** What writing an outcome did: applied, or left alone because a newer event stood; the url and title it had. */
    public record Written(boolean applied, String url, String title) {
    }

    /**
     * The cached JSON for a key, or null. A miss in memory loads the durable copy inside Caffeine's per-key
     * compute, so a concurrent write of that key cannot be overtaken by a stale load.
     */
    public byte[] read(@Header(CaffeineConstants.KEY) String key) {
        return changes.cacheable() ? content.get(key, this::load) : load(key);
    }

    /** Applies the outcomes' content changes in the current transaction; one {@link Written} per outcome. */
    public List<Written> write(List<Outcome> outcomes) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("content is written inside the transaction that records it");
        }
        List<String> keys = outcomes.stream().filter(Outcome::changesContent).map(o -> o.item().cacheKey()).toList();
        if (keys.isEmpty()) {
            return outcomes.stream().map(o -> new Written(false, o.url(), o.title())).toList();
        }
        boolean everywhere = outcomes.stream().anyMatch(o -> o.kind() == Outcome.Kind.DELETE);
        Runnable unlock = locks.lock(keys, everywhere);
        List<String> changed = new ArrayList<>();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                content.invalidateAll(changed);
            }

            @Override
            public void afterCompletion(int status) {
                unlock.run();
            }
        });
        List<Written> written = new ArrayList<>(outcomes.size());
        for (Outcome outcome : outcomes) {
            written.add(switch (outcome.kind()) {
                case PUBLISH, UNPUBLISH -> writeKey(outcome, changed);
                case DELETE -> deleteEverywhere(outcome.item(), changed);
                default -> new Written(false, outcome.url(), outcome.title());
            });
        }
        changes.announce(changed);
        return written;
    }

    private Written writeKey(Outcome outcome, List<String> changed) {
        WorkItem item = outcome.item();
        String key = item.cacheKey();
        List<Map<String, Object>> stored = jdbc.queryForList(
                "select version, event_time from content_item where cache_key = ?", key);
        byte[] previous = stored.isEmpty() || outcome.kind() == Outcome.Kind.PUBLISH ? null : load(key);
        // an evicted copy's url and title tell downstream targets what to purge
        String url = outcome.kind() == Outcome.Kind.PUBLISH ? outcome.url() : field(previous, "url");
        String title = outcome.kind() == Outcome.Kind.PUBLISH || previous == null ? outcome.title() : field(previous, "title");
        if (!stored.isEmpty() && isNewer(stored.get(0), outcome.version(), item.eventTime()) || deletedAfter(item)) {
            return new Written(false, url, title);
        }
        Timestamp now = Timestamp.from(Instant.now());
        Timestamp eventTime = Timestamp.from(item.eventTime());
        if (stored.isEmpty()) {
            jdbc.update("insert into content_item (cache_key, type, content_type_uid, uid, environment, locale, body,"
                            + " version, event_time, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    key, item.type(), item.contentTypeUid(), item.uid(), item.environment(), item.locale(),
                    outcome.content(), outcome.version(), eventTime, now);
        } else {
            jdbc.update("update content_item set body = ?, version = ?, event_time = ?, updated_at = ? where cache_key = ?",
                    outcome.content(), outcome.version(), eventTime, now, key);
        }
        // the next read loads what was committed; only what is read takes memory, so a big job leaves it as it was
        changed.add(key);
        return new Written(true, url, title);
    }

    /** Evicts an entry or asset in every environment and locale, or every entry of a deleted content type. */
    private Written deleteEverywhere(WorkItem item, List<String> changed) {
        String match = switch (item.type()) {
            case WorkItem.CONTENT_TYPE -> "type = 'entry' and content_type_uid = ?";
            case WorkItem.ENTRY -> "type = 'entry' and uid = ? and content_type_uid = ?";
            // Contentful ids and content types are per environment
            case WorkItem.CF_CONTENT_TYPE -> "type = 'cf_entry' and content_type_uid = ? and environment = ?";
            case WorkItem.CF_ENTRY, WorkItem.CF_ASSET -> "type = '" + item.type() + "' and uid = ? and environment = ?";
            default -> "type = 'asset' and uid = ?";
        };
        List<Object> args = new ArrayList<>();
        boolean typeWide = WorkItem.CONTENT_TYPE.equals(item.type()) || WorkItem.CF_CONTENT_TYPE.equals(item.type());
        args.add(typeWide ? item.contentTypeUid() : item.uid());
        if (WorkItem.ENTRY.equals(item.type())) {
            args.add(item.contentTypeUid());
        }
        if (item.isContentful()) {
            args.add(item.environment());
        }
        Timestamp at = Timestamp.from(item.eventTime());
        args.add(at);
        // remembered for keys the store never held, so an older publish arriving later cannot bring it back
        if (jdbc.update("update deletion set event_time = greatest(event_time, ?) where subject = ?", at,
                deletionOf(item)) == 0) {
            jdbc.update("insert into deletion (subject, event_time) values (?, ?)", deletionOf(item), at);
        }
        List<String> keys = jdbc.queryForList("select cache_key from content_item where " + match
                + " and event_time <= ?", String.class, args.toArray());
        jdbc.update("update content_item set body = null, event_time = ?, updated_at = ? where " + match
                + " and event_time <= ?", prepend(at, Timestamp.from(Instant.now()), args));
        changed.addAll(keys);
        return new Written(true, null, item.title());
    }

    private static Object[] prepend(Object first, Object second, List<Object> rest) {
        List<Object> all = new ArrayList<>(List.of(first, second));
        all.addAll(rest);
        return all.toArray();
    }

    private byte[] load(String key) {
        List<byte[]> found = jdbc.query("select body from content_item where cache_key = ? and body is not null",
                (rs, n) -> rs.getBytes(1), key);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Whether the item, or (for an entry) its content type, was deleted by an event later than this one. */
    private boolean deletedAfter(WorkItem item) {
        String typeDeletion = item.isEntry() ? contentTypeDeletion(item.contentTypeUid())
                : WorkItem.CF_ENTRY.equals(item.type()) && item.contentTypeUid() != null ? deletionOf(cfContentType(item))
                : deletionOf(item);
        return !jdbc.queryForList("select 1 from deletion where subject in (?, ?) and event_time > ?",
                deletionOf(item), typeDeletion, Timestamp.from(item.eventTime())).isEmpty();
    }

    private static String deletionOf(WorkItem item) {
        if (item.isContentful()) {
            return String.join("|", item.type(), item.environment(),
                    WorkItem.CF_CONTENT_TYPE.equals(item.type()) ? item.contentTypeUid() : item.uid());
        }
        return WorkItem.CONTENT_TYPE.equals(item.type()) ? contentTypeDeletion(item.contentTypeUid())
                : String.join("|", item.type(), String.valueOf(item.contentTypeUid()), item.uid());
    }

    /** The deleted content type a Contentful entry belongs to, in its environment. */
    private static WorkItem cfContentType(WorkItem entry) {
        return WorkItem.contentful(WorkItem.CF_CONTENT_TYPE, entry.contentTypeUid(), entry.contentTypeUid(), null,
                entry.environment(), "delete", null, entry.eventTime());
    }

    private static String contentTypeDeletion(String contentTypeUid) {
        return String.join("|", WorkItem.CONTENT_TYPE, contentTypeUid);
    }

    /** Whether the stored event is newer than the incoming one (see the class comment for the rule). */
    static boolean isNewer(Map<String, Object> stored, Integer version, Instant eventTime) {
        Number storedVersion = (Number) stored.get("VERSION");
        if (storedVersion != null && version != null && storedVersion.intValue() != version) {
            return storedVersion.intValue() > version;
        }
        Object storedTime = stored.get("EVENT_TIME");
        Instant storedInstant = storedTime instanceof Timestamp t ? t.toInstant()
                : storedTime instanceof OffsetDateTime o ? o.toInstant() : Instant.MIN;
        return storedInstant.isAfter(eventTime);
    }

    private String field(byte[] json, String name) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode value = mapper.readTree(json).get(name);
            return value != null && value.isValueNode() ? value.asText() : null;
        } catch (IOException unreadable) {
            return null;
        }
    }
}
