package io.cmsrouter.downstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.downstream.DownstreamProperties.Target;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The durable outbox of downstream notifications. When an execution settles, the items it applied are written here
 * as requests to each subscribed target (one per single-item event; a job or release as summaries of at most
 * batch-size items), in the same transaction as the settlement. Each target's delivery route
 * (routes/downstream.camel.yaml) sends its due rows and records what came of them ({@link Deliveries}). An
 * operator's retry puts dead letters back.
 */
@Component("outbox")
public class Outbox {

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Targets targets;

    public Outbox(JdbcTemplate jdbc, ObjectMapper mapper, Targets targets) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.targets = targets;
    }

    /**
     * Writes the notifications for the items this execution applied and no earlier run of it notified. Call it
     * inside the transaction that settles the execution.
     */
    public void compose(@ExchangeProperty("executionUid") String uid,
                        @ExchangeProperty("channels") List<String> channels, @ExchangeProperty("jobId") String jobId) {
        UUID executionUid = UUID.fromString(uid);
        Map<Target, String> subscribers = targets.subscribers(channels);
        if (subscribers.isEmpty()) {
            // nobody to tell; skipping the marking spares a big job's settlement a write per item
            return;
        }
        for (Map.Entry<Target, String> subscriber : subscribers.entrySet()) {
            Batch batch = new Batch(executionUid, subscriber.getKey(), subscriber.getValue(), jobId);
            // grouped so that every summary is about one action in one environment and locale
            jdbc.query("select type, content_type_uid, uid, locale, environment, action, version, url, title"
                    + " from execution_item where execution_uid = ? and status = 'succeeded' and not notified"
                    + " order by action, environment, locale, item_key", batch::add, executionUid);
            batch.flush();
        }
        jdbc.update("update execution_item set notified = true where execution_uid = ? and status = 'succeeded'"
                + " and not notified", executionUid);
    }

    /**
     * Puts an execution's failed notifications (to one target, or to all when target is null) back to pending.
     *
     * @throws Targets.TargetNotFoundException when no target has that name
     */
    public int replay(UUID executionUid, String target) {
        if (target != null) {
            targets.find(target).orElseThrow(() -> new Targets.TargetNotFoundException(target));
        }
        return jdbc.update("update notification set status = 'pending', error = null, next_attempt_at = null,"
                        + " retry_until = null, updated_at = ? where execution_uid = ? and status = 'failed'"
                        + " and (cast(? as varchar) is null or target = ?)", now(), executionUid, target, target);
    }

    /** The notifications of one execution, for its view in the HTTP API. */
    public List<Map<String, Object>> ofExecution(UUID executionUid) {
        return jdbc.query("select uid, target, status, item_count, attempts, error, next_attempt_at, updated_at"
                + " from notification"
                + " where execution_uid = ? order by id", (rs, n) -> view(rs), executionUid);
    }

    /** How many of a target's notifications are pending, delivered and failed. */
    public Map<String, Long> counts(String target) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String status : List.of("pending", "delivered", "failed")) {
            counts.put(status, 0L);
        }
        jdbc.query("select status, count(*) as n from notification where target = ? group by status",
                rs -> {
                    counts.put(rs.getString("status"), rs.getLong("n"));
                }, target);
        return counts;
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("webhook_id", rs.getString("uid"));
        v.put("target", rs.getString("target"));
        v.put("status", rs.getString("status"));
        v.put("items", rs.getInt("item_count"));
        v.put("attempts", rs.getInt("attempts"));
        v.put("error", rs.getString("error"));
        Timestamp next = rs.getTimestamp("next_attempt_at");
        v.put("next_attempt_at", next == null ? null : next.toInstant().toString());
        v.put("updated_at", rs.getTimestamp("updated_at").toInstant().toString());
        return v;
    }

    /** Collects one target's items into summaries of at most batch-size items about one action, environment, locale. */
    private final class Batch {
        private final UUID executionUid;
        private final Target target;
        private final String channel;
        private final String jobId;
        private final List<ObjectNode> items = new ArrayList<>();
        private List<String> group;

        Batch(UUID executionUid, Target target, String channel, String jobId) {
            this.executionUid = executionUid;
            this.target = target;
            this.channel = channel;
            this.jobId = jobId;
        }

        void add(ResultSet rs) throws SQLException {
            List<String> itemGroup = java.util.Arrays.asList(rs.getString("action"), rs.getString("environment"),
                    rs.getString("locale"));
            if (!itemGroup.equals(group) || items.size() == target.getBatchSize()) {
                flush();
                group = itemGroup;
            }
            ObjectNode item = mapper.createObjectNode();
            String type = rs.getString("type");
            // Contentful's items are kept as cf_entry and cf_asset; a receiver sees an entry or asset and its source
            boolean contentful = type.startsWith("cf_");
            item.put("type", contentful ? type.substring("cf_".length()) : type);
            if (contentful) {
                item.put("source", "contentful");
            }
            item.put("uid", rs.getString("uid"));
            putIfPresent(item, "content_type_uid", rs.getString("content_type_uid"));
            item.put("locale", rs.getString("locale"));
            item.putPOJO("version", rs.getObject("version"));
            putIfPresent(item, "url", rs.getString("url"));
            putIfPresent(item, "title", rs.getString("title"));
            items.add(item);
        }

        void flush() {
            if (items.isEmpty()) {
                return;
            }
            ObjectNode payload = mapper.createObjectNode();
            payload.put("execution_uid", executionUid.toString());
            payload.put("channel", channel);
            payload.put("event", group.get(0));
            payload.put("environment", group.get(1));
            payload.put("locale", group.get(2));
            putIfPresent(payload, "job_id", jobId);
            ArrayNode array = payload.putArray("items");
            items.forEach(array::add);
            Timestamp now = now();
            byte[] body = json(payload);
            jdbc.update("insert into notification (uid, execution_uid, target, status, item_count, payload, attempts,"
                            + " created_at, updated_at) values (?, ?, ?, 'pending', ?, ?, 0, ?, ?)",
                    webhookId(target.getName(), body), executionUid, target.getName(), items.size(), body, now, now);
            items.clear();
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /**
     * The Standard Webhooks webhook-id: derived from the target and the payload (which names the execution), so
     * a notification composed again after a crash (its first composition lost with the transaction) keeps its id,
     * and a receiver that deduplicates on it sees one notification.
     */
    static String webhookId(String target, byte[] payload) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(target.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            return "msg_" + HexFormat.of().formatHex(sha256.digest(payload), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a notification", e);
        }
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
