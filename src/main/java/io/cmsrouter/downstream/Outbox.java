package io.cmsrouter.downstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.contentstack.Failures;
import io.cmsrouter.downstream.DownstreamProperties.Target;
import io.cmsrouter.execution.RedeliveryCounter;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The durable outbox of downstream notifications. When an execution settles, the items it applied are written here
 * as requests to each subscribed target (one per single-item event; a job or release as summaries of at most
 * batch-size items), in the same transaction as the settlement. Each target's delivery route
 * (routes/downstream.camel.yaml) sends its pending rows in order and records the outcome.
 */
@Component("outbox")
public class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Targets targets;
    private final CamelContext camel;

    public Outbox(JdbcTemplate jdbc, ObjectMapper mapper, Targets targets, CamelContext camel) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.targets = targets;
        this.camel = camel;
    }

    /** One request to one target; {@code uid} is its Standard Webhooks webhook-id. */
    public record Notification(long id, String uid, String executionUid, String target, String payload) {
    }

    /**
     * Writes the notifications for the items this execution applied and no earlier run of it notified. Call it
     * inside the transaction that settles the execution.
     */
    public void compose(String executionUid, List<String> channels, String jobId) {
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

    /** The target's next notifications, oldest first; none while it is disabled or its breaker is open. */
    public List<Notification> due(@ExchangeProperty(Targets.TARGET) String target) {
        int sendable = targets.sendable(target);
        if (sendable == 0) {
            return List.of();
        }
        return jdbc.query("select id, uid, execution_uid, target, payload from notification where target = ?"
                        + " and status = 'pending' order by id limit ?",
                (rs, n) -> new Notification(rs.getLong("id"), rs.getString("uid"), rs.getString("execution_uid"),
                        rs.getString("target"), rs.getString("payload")), target, sendable);
    }

    public void delivered(@ExchangeProperty("notification") Notification notification,
                          @ExchangeProperty(RedeliveryCounter.PROPERTY) Integer redeliveries) {
        jdbc.update("update notification set status = 'delivered', attempts = attempts + ?, error = null,"
                + " updated_at = ? where id = ?", 1 + orZero(redeliveries), now(), notification.id());
    }

    /**
     * Keeps a notification pending: its target's breaker opened, or it answered 410 and was disabled. It goes out
     * when the target recovers or is enabled again.
     */
    public void hold(@ExchangeProperty("notification") Notification notification, Exchange exchange) {
        Throwable failure = Failures.of(exchange);
        // a call the open breaker refused never reached the target
        int attempts = orZero(exchange.getProperty(RedeliveryCounter.PROPERTY, Integer.class))
                + (Failures.causeOf(failure, CallNotPermittedException.class) != null ? 0 : 1);
        jdbc.update("update notification set attempts = attempts + ?, error = ?, updated_at = ? where id = ?",
                attempts, truncate("held: " + Failures.describe(failure)), now(), notification.id());
    }

    /**
     * A failure that retries did not cure, or that retrying cannot cure: the notification becomes a dead letter on its
     * execution, which turns partial; POST /executions/{uid}/retry sends it again.
     */
    public void deadLetter(@ExchangeProperty("notification") Notification notification, Exchange exchange) {
        if (camel.isStopping() || camel.getShutdownStrategy().isForceShutdown()) {
            // stopping cut it short, not the target: it stays pending and goes out after the restart
            hold(notification, exchange);
            return;
        }
        String reason = Failures.describe(Failures.of(exchange));
        int attempts = 1 + orZero(exchange.getProperty(RedeliveryCounter.PROPERTY, Integer.class));
        LOG.warn("Notification {} of execution {} to target {} failed after {} attempts: {}", notification.uid(),
                notification.executionUid(), notification.target(), attempts, reason);
        jdbc.update("update notification set status = 'failed', attempts = attempts + ?, error = ?, updated_at = ?"
                + " where id = ?", attempts, truncate(reason), now(), notification.id());
        jdbc.update("update execution set status = 'partial', updated_at = ? where uid = ? and status = 'succeeded'",
                now(), notification.executionUid());
    }

    /**
     * Puts an execution's failed notifications (to one target, or to all when target is null) back to pending.
     *
     * @throws Targets.TargetNotFoundException when no target has that name
     */
    public int replay(String executionUid, String target) {
        if (target != null) {
            targets.find(target).orElseThrow(() -> new Targets.TargetNotFoundException(target));
        }
        return jdbc.update("update notification set status = 'pending', error = null, updated_at = ?"
                        + " where execution_uid = ? and status = 'failed' and (cast(? as varchar) is null or target = ?)",
                now(), executionUid, target, target);
    }

    public long failedCount(String executionUid) {
        return Objects.requireNonNull(jdbc.queryForObject("select count(*) from notification where execution_uid = ?"
                + " and status = 'failed'", Long.class, executionUid));
    }

    /** The notifications of one execution, for its view in the HTTP API. */
    public List<Map<String, Object>> ofExecution(String executionUid) {
        return jdbc.query("select uid, target, status, item_count, attempts, error, updated_at from notification"
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
        v.put("updated_at", rs.getTimestamp("updated_at").toInstant().toString());
        return v;
    }

    /** Collects one target's items into summaries of at most batch-size items about one action, environment, locale. */
    private final class Batch {
        private final String executionUid;
        private final Target target;
        private final String channel;
        private final String jobId;
        private final List<ObjectNode> items = new ArrayList<>();
        private List<String> group;

        Batch(String executionUid, Target target, String channel, String jobId) {
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
            item.put("type", rs.getString("type"));
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
            payload.put("execution_uid", executionUid);
            payload.put("channel", channel);
            payload.put("event", group.get(0));
            payload.put("environment", group.get(1));
            payload.put("locale", group.get(2));
            putIfPresent(payload, "job_id", jobId);
            ArrayNode array = payload.putArray("items");
            items.forEach(array::add);
            Timestamp now = now();
            jdbc.update("insert into notification (uid, execution_uid, target, status, item_count, payload, attempts,"
                            + " created_at, updated_at) values (?, ?, ?, 'pending', ?, ?, 0, ?, ?)",
                    "msg_" + UUID.randomUUID().toString().replace("-", ""), executionUid, target.getName(),
                    items.size(), json(payload), now, now);
            items.clear();
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a notification", e);
        }
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 4000);
    }
}
