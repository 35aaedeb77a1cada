package io.cmsrouter.execution;

import io.cmsrouter.common.Texts;
import io.cmsrouter.content.ContentStore;
import io.cmsrouter.content.ContentStore.Written;
import io.cmsrouter.content.Outcome;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.retry.Backoff;
import io.cmsrouter.store.AfterCommit;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes outcomes: their content changes ({@link ContentStore}) and their result rows on the execution, in the
 * caller's transaction. An item's result says what happened: succeeded, superseded (the cache holds a newer
 * event), skipped, failed (a dead letter), or pending (a transient failure, retried at {@code next_attempt_at} on
 * the durable schedule until {@code retry_until}). Attempts add up over the runs of an execution.
 */
@Component
class ItemResults {
    private final JdbcTemplate jdbc;
    private final ContentStore contentStore;
    private final Backoff backoff;
    private final MeterRegistry meters;

    ItemResults(JdbcTemplate jdbc, ContentStore contentStore, Backoff backoff, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.contentStore = contentStore;
        this.backoff = backoff;
        this.meters = meters;
    }

    /**
     * Writes the outcomes and returns each item's status. {@code retried}: the items have results already (a
     * scheduled retry updates them).
     */
    List<String> record(UUID executionUid, List<Outcome> outcomes, boolean retried) {
        List<Written> written = contentStore.write(outcomes);
        Instant now = Instant.now();
        List<String> statuses = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            Written w = written.get(i);
            Result result = switch (o.kind()) {
                case PUBLISH, UNPUBLISH, DELETE -> new Result(w.applied() ? "succeeded" : "superseded",
                        w.applied() ? null : "the cache holds a newer event for this item", w.url(), w.title(), null, null);
                case SKIPPED -> new Result("skipped", o.error(), null, o.title(), null, null);
                case FAILED -> failed(executionUid, o, now, retried);
            };
            save(executionUid, o, result);
            statuses.add(result.status());
        }
        countOnCommit(outcomes, statuses);
        return statuses;
    }

    /** The actions router.items names; a CMS's others count as "other", so the tag stays bounded. */
    private static final Set<String> ACTIONS = Set.of("publish", "unpublish", "delete", "archive", "unarchive");

    /**
     * router.items: each item's result by type and action, once the transaction recording it commits (an item
     * retried later counts again, with its new result).
     */
    private void countOnCommit(List<Outcome> outcomes, List<String> statuses) {
        AfterCommit.run(() -> {
            for (int i = 0; i < outcomes.size(); i++) {
                WorkItem item = outcomes.get(i).item();
                meters.counter("router.items", "type", item.type(), "action", ACTIONS.contains(item.action())
                        ? item.action() : "other", "result", statuses.get(i)).increment();
            }
        });
    }

    private record Result(String status, String error, String url, String title, Instant nextAttemptAt,
                          Instant retryUntil) {
    }

    /** A transient failure waits for its next scheduled attempt; a permanent one, or one out of time, is dead. */
    private Result failed(UUID executionUid, Outcome o, Instant now, boolean retried) {
        if (!o.retryable()) {
            return new Result("failed", o.error(), null, o.title(), null, null);
        }
        List<Timestamp> scheduled = !retried ? List.of() : jdbc.queryForList("select retry_until from execution_item"
                + " where execution_uid = ? and item_key = ? and retry_until is not null", Timestamp.class, executionUid,
                o.item().resultKey());
        Instant giveUpAt = scheduled.isEmpty() ? backoff.giveUpAt(now) : scheduled.get(0).toInstant();
        Optional<Instant> next = backoff.next(now, giveUpAt);
        if (next.isPresent()) {
            return new Result("pending", o.error(), null, o.title(), next.get(), giveUpAt);
        }
        return new Result("failed", o.error() + " (retried on schedule for " + backoff.horizon() + ")", null,
                o.title(), null, null);
    }

    /** Updates the item's result, or inserts it: a job can list an item twice, a resumed page can redo one. */
    private void save(UUID executionUid, Outcome o, Result r) {
        WorkItem item = o.item();
        Timestamp now = Timestamp.from(Instant.now());
        Timestamp next = r.nextAttemptAt() == null ? null : Timestamp.from(r.nextAttemptAt());
        Timestamp until = r.retryUntil() == null ? null : Timestamp.from(r.retryUntil());
        String error = Texts.cut(r.error(), 4000);
        String url = Texts.cut(r.url(), 2048);
        String title = Texts.cut(r.title(), 1024);
        int updated = jdbc.update("update execution_item set environment = ?, version = ?, status = ?,"
                        + " attempts = attempts + ?, error = ?, url = coalesce(?, url), title = coalesce(?, title),"
                        + " next_attempt_at = ?, retry_until = ?, updated_at = ? where execution_uid = ? and item_key = ?",
                item.environment(), item.version(), r.status(), o.attempts(), error, url, title, next, until, now,
                executionUid, item.resultKey());
        if (updated == 0) {
            jdbc.update("insert into execution_item (execution_uid, item_key, type, content_type_uid, uid, locale,"
                            + " environment, environment_uid, action, version, event_time, status, attempts, error, url,"
                            + " title, next_attempt_at, retry_until, updated_at)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    executionUid, item.resultKey(), item.type(), item.contentTypeUid(), item.uid(), item.locale(),
                    item.environment(), item.environmentUid(), item.action(), item.version(),
                    Timestamp.from(item.eventTime()), r.status(), o.attempts(), error, url, title, next, until, now);
        }
    }
}
