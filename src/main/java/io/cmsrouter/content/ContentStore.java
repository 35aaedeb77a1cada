package io.cmsrouter.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.caffeine.CaffeineConstants;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The content cache's durable copy (table content_item), with the Caffeine cache "content" in front for reads.
 * <p>
 * Last write wins by event order, never by arrival: an event is applied unless the store already holds a newer one
 * for the same key. Newer means a higher {@code _version} when both are known, else a later event time
 * (triggered_at for single events and releases, published_at or the job's time for job items). Unpublish and delete
 * leave a tombstone that keeps its order, and a delete is remembered per item (or content type) even where nothing
 * was stored, so an older publish arriving afterwards changes nothing.
 */
@Component("contentStore")
public class ContentStore {
    private static final int STRIPES = 256;

    private final JdbcTemplate jdbc;
    private final Cache<String, String> content;
    private final ObjectMapper mapper;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public ContentStore(JdbcTemplate jdbc, Cache<String, String> content, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.content = content;
        this.mapper = mapper;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Stores the published item's JSON; false when a newer event for it is already applied. */
    public boolean put(@ExchangeProperty("item") WorkItem item, @Body String json) throws IOException {
        // a fetched item's own _version is authoritative: the CDA may already serve a newer one than the event named
        JsonNode version = mapper.readTree(json).get("_version");
        Integer effective = version != null && version.canConvertToInt() ? Integer.valueOf(version.asInt()) : item.version();
        return write(item, json, effective);
    }

    /** Evicts the item in its environment and locale; false when a newer event for it is already applied. */
    public boolean evict(@ExchangeProperty("item") WorkItem item) {
        return write(item, null, item.version());
    }

    /** Evicts an entry or asset in every environment and locale, or every entry of a deleted content type. */
    public boolean evictEverywhere(@ExchangeProperty("item") WorkItem item) {
        String match = switch (item.type()) {
            case WorkItem.CONTENT_TYPE -> "type = 'entry' and content_type_uid = ?";
            case WorkItem.ENTRY -> "type = 'entry' and uid = ? and content_type_uid = ?";
            default -> "type = 'asset' and uid = ?";
        };
        List<Object> args = new ArrayList<>();
        args.add(WorkItem.CONTENT_TYPE.equals(item.type()) ? item.contentTypeUid() : item.uid());
        if (WorkItem.ENTRY.equals(item.type())) {
            args.add(item.contentTypeUid());
        }
        Timestamp at = Timestamp.from(item.eventTime());
        args.add(at);
        // remembered for keys the store never held, so an older publish arriving later cannot bring it back
        jdbc.update("merge into deletion (subject, event_time) key (subject) select ?, greatest(?, coalesce("
                + "(select event_time from deletion where subject = ?), ?))", deletionOf(item), at, deletionOf(item), at);
        List<String> keys = jdbc.queryForList("select cache_key from content_item where " + match
                + " and event_time <= ?", String.class, args.toArray());
        for (String key : keys) {
            ReentrantLock lock = lockFor(key);
            lock.lock();
            try {
                jdbc.update("update content_item set body = null, event_time = ?, updated_at = ? where cache_key = ?"
                        + " and event_time <= ?", at, Timestamp.from(Instant.now()), key, at);
                content.invalidate(key);
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    /**
     * The cached JSON for a key, or null. A miss in memory loads the durable copy inside Caffeine's per-key
     * compute, so a concurrent write or eviction of that key cannot be overtaken by a stale load.
     */
    public String read(@Header(CaffeineConstants.KEY) String key) {
        return content.get(key, this::load);
    }

    /** The item's cached JSON in its environment and locale, or null. */
    public String cached(@ExchangeProperty("item") WorkItem item) {
        return read(item.cacheKey());
    }

    private String load(String key) {
        List<String> found = jdbc.queryForList("select body from content_item where cache_key = ? and body is not null",
                String.class, key);
        return found.isEmpty() ? null : found.get(0);
    }

    private boolean write(WorkItem item, String json, Integer version) {
        String key = item.cacheKey();
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            List<Map<String, Object>> stored = jdbc.queryForList(
                    "select version, event_time from content_item where cache_key = ?", key);
            if (!stored.isEmpty() && isNewer(stored.get(0), version, item.eventTime()) || deletedAfter(item)) {
                return false;
            }
            jdbc.update("merge into content_item (cache_key, type, content_type_uid, uid, environment, locale, body,"
                            + " version, event_time, updated_at) key (cache_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    key, item.type(), item.contentTypeUid(), item.uid(), item.environment(), item.locale(), json,
                    version, Timestamp.from(item.eventTime()), Timestamp.from(Instant.now()));
            if (json == null) {
                content.invalidate(key);
            } else {
                content.put(key, json);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the item, or (for an entry) its content type, was deleted by an event later than this one. */
    private boolean deletedAfter(WorkItem item) {
        String typeDeletion = item.isEntry() ? contentTypeDeletion(item.contentTypeUid()) : deletionOf(item);
        return !jdbc.queryForList("select 1 from deletion where subject in (?, ?) and event_time > ?",
                deletionOf(item), typeDeletion, Timestamp.from(item.eventTime())).isEmpty();
    }

    private static String deletionOf(WorkItem item) {
        return WorkItem.CONTENT_TYPE.equals(item.type()) ? contentTypeDeletion(item.contentTypeUid())
                : String.join("|", item.type(), String.valueOf(item.contentTypeUid()), item.uid());
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
                : storedTime instanceof java.time.OffsetDateTime o ? o.toInstant() : Instant.MIN;
        return storedInstant.isAfter(eventTime);
    }

    private ReentrantLock lockFor(String key) {
        return locks[Math.floorMod(key.hashCode(), STRIPES)];
    }
}
