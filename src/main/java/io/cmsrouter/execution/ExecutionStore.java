package io.cmsrouter.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.api.ConflictException;
import io.cmsrouter.api.NotFoundException;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.contentstack.Failures;
import io.cmsrouter.downstream.Outbox;
import io.cmsrouter.webhook.EventFacts;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * Executions: what happened to each accepted webhook, on disk (H2 by default) under {@code router.data-dir}.
 * Statuses: received → processing → succeeded | partial | failed | ignored. Items: succeeded | failed | skipped.
 */
@Component("executions")
public class ExecutionStore {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionStore.class);
    public static final int MAX_LIMIT = 100;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ObjectMapper mapper;
    private final Redactor redactor;
    private final Fingerprints fingerprints;
    private final Duration dedupeWindow;
    private final Duration retention;
    private final CamelContext camel;
    private final Outbox outbox;
    private final Instant startedAt = Instant.now();

    public ExecutionStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, ObjectMapper mapper,
                          Redactor redactor, Fingerprints fingerprints, CamelContext camel, Outbox outbox,
                          @Value("${router.dedupe.window}") Duration dedupeWindow,
                          @Value("${router.executions.retention}") Duration retention) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.mapper = mapper;
        this.redactor = redactor;
        this.fingerprints = fingerprints;
        this.dedupeWindow = dedupeWindow;
        this.retention = retention;
        this.camel = camel;
        this.outbox = outbox;
    }

    /** An accepted webhook's execution, and whether it is a redelivery of one already recorded. */
    public record Recorded(String uid, boolean duplicate) {
    }

    /**
     * Writes the accepted webhook (secrets redacted) unless the same delivery was recorded within the dedupe window:
     * Contentstack redelivers with a fresh triggered_at, so deliveries equal apart from triggered_at are one event.
     * Concurrent twins race on the delivery's primary key; the losers get the winner's execution.
     */
    public Recorded record(@Body JsonNode event, @ExchangeProperty("channels") List<String> channels,
                           @Headers Map<String, Object> headers) {
        String fingerprint = fingerprints.of(event);
        EventFacts facts = EventFacts.of(event);
        String subject = subjectOf(facts);
        try {
            return transactions.execute(tx -> {
                Timestamp now = now();
                String earlier = deliveredWithinWindow(fingerprint, now);
                if (earlier != null && !supersededSince(earlier, subject)) {
                    return new Recorded(earlier, true);
                }
                // expired, or a newer event about the same subject came since: this is a new event after all
                jdbc.update("delete from delivery where fingerprint = ? and (received_at < ? or execution_uid = ?)",
                        fingerprint, Timestamp.from(now.toInstant().minus(dedupeWindow)), earlier);
                String uid = UUID.randomUUID().toString();
                jdbc.update("insert into execution (uid, created_at, updated_at, status, module, event, channels,"
                                + " event_data, event_headers, job_id, event_body, subject)"
                                + " values (?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?)",
                        uid, now, now, event.path("module").asText(), event.path("event").asText(), json(channels),
                        json(redactor.payload(event)), json(redactor.headers(headers)),
                        facts.jobId(), json(event), subject);
                jdbc.update("insert into delivery (fingerprint, execution_uid, received_at) values (?, ?, ?)",
                        fingerprint, uid, now);
                return new Recorded(uid, false);
            });
        } catch (DuplicateKeyException concurrentTwin) {
            return new Recorded(winnerOf(fingerprint), true);
        }
    }

    /** The execution of the twin that won the race; its transaction may still be committing. */
    private String winnerOf(String fingerprint) {
        for (int attempt = 0; attempt < 200; attempt++) {
            String winner = deliveredWithinWindow(fingerprint, now());
            if (winner != null) {
                return winner;
            }
            LockSupport.parkNanos(1_000_000);
        }
        throw new IllegalStateException("a concurrent delivery of the same event did not commit");
    }

    /**
     * Whether another event about the same subject arrived after the earlier delivery: then an equal delivery is
     * not a redelivery but the same change made again (publish, unpublish, publish the same version).
     */
    private boolean supersededSince(String earlierUid, String subject) {
        return !jdbc.queryForList("select 1 from execution later join execution earlier on earlier.uid = ?"
                + " where later.subject = ? and later.created_at > earlier.created_at", earlierUid, subject).isEmpty();
    }

    /** What an event is about: its job, or its module and item (content type uid and item uid). */
    static String subjectOf(EventFacts f) {
        if (f.jobId() != null) {
            return "job|" + f.jobId();
        }
        return String.join("|", f.module().name(), String.valueOf(f.contentTypeUid()), String.valueOf(f.itemUid()));
    }

    private String deliveredWithinWindow(String fingerprint, Timestamp now) {
        List<String> found = jdbc.queryForList("select execution_uid from delivery where fingerprint = ?"
                + " and received_at >= ?", String.class, fingerprint, Timestamp.from(now.toInstant().minus(dedupeWindow)));
        return found.isEmpty() ? null : found.get(0);
    }

    public void markProcessing(@ExchangeProperty("executionUid") String uid) {
        setStatus(uid, "processing");
    }

    /** Valid events nothing subscribes to: acknowledged, recorded, not an error. */
    public void ignore(@ExchangeProperty("executionUid") String uid) {
        setStatus(uid, "ignored");
    }

    /**
     * The item was applied, or left alone because the cache already holds a newer event for it (superseded).
     * {@code content} is the item's JSON that was stored, or evicted, when there was one.
     */
    public void itemApplied(@ExchangeProperty("executionUid") String uid, @ExchangeProperty("item") WorkItem item,
                            @ExchangeProperty(RedeliveryCounter.PROPERTY) Integer redeliveries,
                            @ExchangeProperty("applied") Boolean applied, @Body Object content) {
        boolean superseded = Boolean.FALSE.equals(applied);
        // the item's url and title (of the copy published, or of the one evicted) are what downstream targets purge by
        JsonNode copy = content instanceof String body ? tree(body) : null;
        String title = copy != null && copy.hasNonNull("title") ? copy.get("title").asText() : item.title();
        String url = copy != null && copy.hasNonNull("url") ? copy.get("url").asText() : null;
        saveItem(uid, item, superseded ? "superseded" : "succeeded", attempts(redeliveries),
                superseded ? "the cache holds a newer event for this item" : null, url, title);
    }

    public void itemSkipped(String uid, WorkItem item, String reason) {
        saveItem(uid, item, "skipped", 0, reason, null, item.title());
    }

    /**
     * Records a failure whose retries are exhausted (or that is not worth retrying): on the item when one is being
     * applied, else on the execution itself.
     */
    public void recordFailure(Exchange exchange) {
        String uid = exchange.getProperty("executionUid", String.class);
        if (cutShortByShutdown()) {
            LOG.info("Execution {} interrupted by shutdown; it resumes on the next start", uid);
            return;
        }
        WorkItem item = exchange.getProperty("item", WorkItem.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = Failures.describe(cause);
        if (item != null) {
            Integer redeliveries = exchange.getProperty(RedeliveryCounter.PROPERTY, Integer.class);
            LOG.warn("Execution {}: {} {} failed: {}", uid, item.type(), item.uid(), reason);
            saveItem(uid, item, "failed", attempts(redeliveries), reason, null, item.title());
        } else {
            LOG.warn("Execution {} failed: {}", uid, reason);
            jdbc.update("update execution set status = 'failed', error = ?, updated_at = ? where uid = ?",
                    truncate(reason), now(), uid);
        }
    }

    /** True when a resumed or retried execution already applied this item (it is not applied twice). */
    public boolean alreadyApplied(@ExchangeProperty("executionUid") String uid, @ExchangeProperty("item") WorkItem item) {
        return !jdbc.queryForList("select 1 from execution_item where execution_uid = ? and item_key = ?"
                + " and status in ('succeeded', 'superseded')", uid, item.resultKey()).isEmpty();
    }

    /**
     * Executions a previous run of the service left received or in progress, oldest first. Only those last touched
     * before this process started: anything newer is already being handled by this one.
     */
    public List<String> unfinished() {
        return jdbc.queryForList("select uid from execution where status in ('received', 'processing')"
                + " and updated_at < ? order by created_at", String.class, Timestamp.from(startedAt));
    }

    /** Puts a recorded execution back on the exchange (event as body, uid and channels as properties) to run again. */
    public JsonNode reload(@Body String uid, Exchange exchange) {
        Map<String, Object> row = jdbc.queryForMap("select channels, event_body from execution where uid = ?", uid);
        exchange.setProperty("executionUid", uid);
        exchange.setProperty("channels", mapper.convertValue(tree((String) row.get("channels")), List.class));
        return tree((String) row.get("event_body"));
    }

    /**
     * Schedules a failed or partial execution to run again from its recorded event, and puts its failed downstream
     * notifications back in the outbox. Items already applied are skipped, so only what failed is redone; with
     * {@code target}, only that target's failed notifications are sent again and nothing else runs.
     */
    public Map<String, Object> scheduleRetry(@Header("executionUid") String uid, @Header("target") String target) {
        Map<String, Object> notice = transactions.execute(tx -> {
            List<String> found = jdbc.queryForList("select status from execution where uid = ?", String.class, uid);
            if (found.isEmpty()) {
                throw new ExecutionNotFoundException(uid);
            }
            String status = found.get(0);
            if (!List.of("failed", "partial").contains(status)) {
                throw NothingToRetryException.inStatus(uid, status);
            }
            int replayed = outbox.replay(uid, target);
            if (target != null && replayed == 0) {
                throw new NothingToRetryException("execution '" + uid + "' has no failed notification to target '"
                        + target + "'");
            }
            long failedItems = target != null ? 0 : Objects.requireNonNull(jdbc.queryForObject("select count(*)"
                    + " from execution_item where execution_uid = ? and status = 'failed'", Long.class, uid));
            // the notifications alone go out from the outbox; the event runs again only for what it did not apply
            boolean rerun = target == null && ("failed".equals(status) || failedItems > 0);
            if (rerun) {
                // one statement decides, so two concurrent retries cannot both schedule a run
                if (jdbc.update("update execution set status = 'received', error = null, updated_at = ?"
                        + " where uid = ? and status = ?", now(), uid, status) == 0) {
                    throw new NothingToRetryException("execution '" + uid + "' is already being retried");
                }
            } else if ("partial".equals(status)) {
                // its dead letters are pending again: partial no longer, unless items failed too
                jdbc.update("update execution set status = ?, updated_at = ? where uid = ? and status = 'partial'",
                        resultStatus(uid), now(), uid);
            }
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("notice", "Retry scheduled");
            n.put("execution_uid", uid);
            n.put("failed_items", failedItems);
            n.put("notifications_replayed", replayed);
            n.put("rerun", rerun);
            return n;
        });
        return notice;
    }

    /** Deletes executions older than the retention, and dedupe records older than the dedupe window. */
    public int purge() {
        Instant now = Instant.now();
        // an execution whose notifications are still held for a target stays until they go out
        int purged = jdbc.update("delete from execution where created_at < ? and not exists (select 1 from"
                + " notification where execution_uid = execution.uid and status = 'pending')",
                Timestamp.from(now.minus(retention)));
        jdbc.update("delete from delivery where received_at < ?", Timestamp.from(now.minus(dedupeWindow)));
        if (purged > 0) {
            LOG.info("Purged {} executions older than {}", purged, retention);
        }
        return purged;
    }

    /**
     * Settles a processing execution's status from its results (one that failed as a whole or was ignored stays so)
     * and, in the same transaction, puts what it applied in the downstream outbox.
     */
    public String finish(@ExchangeProperty("executionUid") String uid) {
        if (cutShortByShutdown()) {
            return "processing";
        }
        return transactions.execute(tx -> {
            String status = resultStatus(uid);
            jdbc.update("update execution set status = ?, updated_at = ? where uid = ? and status = 'processing'",
                    status, now(), uid);
            Map<String, Object> row = jdbc.queryForMap("select channels, job_id from execution where uid = ?", uid);
            outbox.compose(uid, mapper.convertValue(tree((String) row.get("channels")), List.class),
                    (String) row.get("job_id"));
            return status;
        });
    }

    /**
     * What an execution's results add up to: failed when no item succeeded, partial when some items or downstream
     * notifications failed, else succeeded. Superseded items were handled (a newer event already stood); skipped ones
     * were Contentstack's failures.
     */
    private String resultStatus(String uid) {
        Map<String, Object> counts = jdbc.queryForMap("select"
                + " coalesce(sum(case when status in ('succeeded', 'superseded') then 1 else 0 end), 0) as succeeded,"
                + " coalesce(sum(case when status = 'failed' then 1 else 0 end), 0) as failed"
                + " from execution_item where execution_uid = ?", uid);
        long succeeded = ((Number) counts.get("succeeded")).longValue();
        long failed = ((Number) counts.get("failed")).longValue();
        if (failed > 0) {
            return succeeded == 0 ? "failed" : "partial";
        }
        return outbox.failedCount(uid) > 0 ? "partial" : "succeeded";
    }

    public Map<String, Object> list(@Header("from") String from, @Header("to") String to,
                                    @Header("status") String status, @Header("query") String query,
                                    @Header("skip") String skip, @Header("limit") String limit) {
        int effectiveSkip = number("skip", skip, 0, 0, Integer.MAX_VALUE);
        int effectiveLimit = number("limit", limit, MAX_LIMIT, 1, MAX_LIMIT);
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (from != null) {
            where.append(" and created_at >= ?");
            args.add(timestamp("from", from));
        }
        if (to != null) {
            where.append(" and created_at <= ?");
            args.add(timestamp("to", to));
        }
        if (status != null) {
            List<String> statuses = List.of(status.split(","));
            where.append(" and status in (").append(String.join(", ", java.util.Collections.nCopies(statuses.size(), "?")))
                    .append(")");
            args.addAll(statuses.stream().map(String::trim).toList());
        }
        if (query != null) {
            StatusCodes.Range range = StatusCodes.parseQuery(query, mapper);
            where.append(" and ").append(StatusCodes.SQL).append(" between ? and ?");
            args.add(range.min());
            args.add(range.max());
        }
        Long count = jdbc.queryForObject("select count(*) from execution" + where, Long.class, args.toArray());
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(effectiveLimit);
        pageArgs.add(effectiveSkip);
        List<Map<String, Object>> executions = jdbc.query("select * from execution" + where
                + " order by created_at desc, uid limit ? offset ?", (rs, n) -> view(rs), pageArgs.toArray());
        for (Map<String, Object> execution : executions) {
            execution.put("summary", summary((String) execution.get("uid")));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("executions", executions);
        page.put("skip", effectiveSkip);
        page.put("limit", effectiveLimit);
        page.put("count", count);
        return page;
    }

    /** One execution with every item result. */
    public Map<String, Object> get(@Header("executionUid") String uid) {
        List<Map<String, Object>> found = jdbc.query("select * from execution where uid = ?", (rs, n) -> view(rs), uid);
        if (found.isEmpty()) {
            throw new ExecutionNotFoundException(uid);
        }
        Map<String, Object> execution = found.get(0);
        execution.put("summary", summary(uid));
        execution.put("items", jdbc.query("select * from execution_item where execution_uid = ? order by updated_at,"
                + " item_key", (rs, n) -> itemView(rs), uid));
        execution.put("notifications", outbox.ofExecution(uid));
        return execution;
    }

    private Map<String, Object> summary(String uid) {
        Map<String, Object> summary = new LinkedHashMap<>();
        jdbc.query("select status, count(*) as n, coalesce(sum(attempts), 0) as attempts from execution_item"
                + " where execution_uid = ? group by status", rs -> {
            summary.put(rs.getString("status"), rs.getLong("n"));
            summary.merge("attempts", rs.getLong("attempts"), (a, b) -> (Long) a + (Long) b);
        }, uid);
        return summary;
    }

    /** Saves an item's result; attempts add up over the runs of an execution (first run, resume, retries). */
    private void saveItem(String uid, WorkItem item, String status, int attempts, String error, String url,
                          String title) {
        String environment = item.environment() != null ? item.environment() : item.environmentUid();
        int updated = jdbc.update("update execution_item set environment = ?, version = ?, status = ?,"
                        + " attempts = attempts + ?, error = ?, url = coalesce(?, url), title = coalesce(?, title),"
                        + " updated_at = ? where execution_uid = ? and item_key = ?",
                environment, item.version(), status, attempts, truncate(error), truncate(url, 2048),
                truncate(title, 1024), now(), uid, item.resultKey());
        if (updated == 0) {
            jdbc.update("insert into execution_item (execution_uid, item_key, type, content_type_uid, uid, locale,"
                            + " environment, action, version, status, attempts, error, url, title, updated_at)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    uid, item.resultKey(), item.type(), item.contentTypeUid(), item.uid(), item.locale(), environment,
                    item.action(), item.version(), status, attempts, truncate(error), truncate(url, 2048),
                    truncate(title, 1024), now());
        }
    }

    private void setStatus(String uid, String status) {
        jdbc.update("update execution set status = ?, updated_at = ? where uid = ?", status, now(), uid);
    }

    private Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("uid", rs.getString("uid"));
        v.put("channel", tree(rs.getString("channels")));
        v.put("created_at", iso(rs.getTimestamp("created_at")));
        v.put("updated_at", iso(rs.getTimestamp("updated_at")));
        v.put("status", rs.getString("status"));
        v.put("status_code", StatusCodes.of(rs.getString("status")));
        v.put("module", rs.getString("module"));
        v.put("event", rs.getString("event"));
        v.put("job_id", rs.getString("job_id"));
        v.put("error", rs.getString("error"));
        v.put("event_data", tree(rs.getString("event_data")));
        v.put("event_headers", tree(rs.getString("event_headers")));
        return v;
    }

    private static Map<String, Object> itemView(ResultSet rs) throws SQLException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", rs.getString("type"));
        v.put("content_type_uid", rs.getString("content_type_uid"));
        v.put("uid", rs.getString("uid"));
        v.put("locale", rs.getString("locale"));
        v.put("environment", rs.getString("environment"));
        v.put("action", rs.getString("action"));
        v.put("version", rs.getObject("version"));
        v.put("status", rs.getString("status"));
        v.put("attempts", rs.getInt("attempts"));
        v.put("error", rs.getString("error"));
        v.put("title", rs.getString("title"));
        v.put("url", rs.getString("url"));
        v.put("updated_at", iso(rs.getTimestamp("updated_at")));
        return v;
    }

    /**
     * True once the shutdown grace period has run out and Camel is forcing in-flight work to stop: failures then
     * are the shutdown's, not the work's, so the execution is left unfinished and resumes on the next start.
     */
    private boolean cutShortByShutdown() {
        return camel.getShutdownStrategy().isForceShutdown();
    }

    private static int number(String name, String value, int absent, int min, int max) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the accepted range
        }
        throw new IllegalArgumentException("'" + name + "' must be a whole number from " + min
                + (max == Integer.MAX_VALUE ? "" : " to " + max) + ", not '" + value + "'");
    }

    private static int attempts(Integer redeliveries) {
        return 1 + (redeliveries == null ? 0 : redeliveries);
    }

    private static Timestamp timestamp(String name, String iso) {
        try {
            return Timestamp.from(OffsetDateTime.parse(iso).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Timestamp.from(java.time.LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notADate) {
                throw new IllegalArgumentException("'" + name + "' must be an ISO date or date-time");
            }
        }
    }

    private static String iso(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    private static String truncate(String s) {
        return truncate(s, 4000);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise execution field", e);
        }
    }

    private JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored execution field is not JSON", e);
        }
    }

    public static class NothingToRetryException extends ConflictException {
        public NothingToRetryException(String message) {
            super(message);
        }

        static NothingToRetryException inStatus(String uid, String status) {
            return new NothingToRetryException("execution '" + uid + "' is " + status
                    + "; only failed or partial executions can be retried");
        }
    }

    public static class ExecutionNotFoundException extends NotFoundException {
        public ExecutionNotFoundException(String uid) {
            super("no execution with uid '" + uid + "'");
        }
    }
}
