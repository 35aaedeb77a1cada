package io.cmsrouter.execution;

import io.cmsrouter.content.ContentStore;
import io.cmsrouter.content.ContentStore.Written;
import io.cmsrouter.content.Outcome;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.retry.Backoff;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

    ItemResults(JdbcTemplate jdbc, ContentStore contentStore, Backoff backoff) {
        this.jdbc = jdbc;
        this.contentStore = contentStore;
        this.backoff = backoff;
    }

    void record(UUID executionUid, List<Outcome> outcomes) {
        List<Written> written = contentStore.write(outcomes);
        Instant now = Instant.now();
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome o = outcomes.get(i);
            Written w = written.get(i);
            switch (o.kind()) {
                case PUBLISH, UNPUBLISH, DELETE -> save(executionUid, o, w.applied() ? "succeeded" : "superseded",
                        w.applied() ? null : "the cache holds a newer event for this item", w.url(), w.title(), null, null);
                case SKIPPED -> save(executionUid, o, "skipped", o.error(), null, o.title(), null, null);
                case FAILED -> failed(executionUid, o, now);
            }
        }
    }

    /** A transient failure waits for its next scheduled attempt; a permanent one, or one out of time, is dead. */
    private void failed(UUID executionUid, Outcome o, Instant now) {
        if (!o.retryable()) {
            save(executionUid, o, "failed", o.error(), null, o.title(), null, null);
            return;
        }
        List<Timestamp> scheduled = jdbc.queryForList("select retry_until from execution_item where execution_uid = ?"
                + " and item_key = ? and retry_until is not null", Timestamp.class, executionUid, o.item().resultKey());
        Instant giveUpAt = scheduled.isEmpty() ? backoff.giveUpAt(now) : scheduled.get(0).toInstant();
        Optional<Instant> next = backoff.next(now, giveUpAt);
        if (next.isPresent()) {
            save(executionUid, o, "pending", o.error(), null, o.title(), next.get(), giveUpAt);
        } else {
            save(executionUid, o, "failed", o.error() + " (retried on schedule for " + backoff.horizon() + ")", null,
                    o.title(), null, null);
        }
    }

    private void save(UUID executionUid, Outcome o, String status, String error, String url, String title,
                      Instant nextAttemptAt, Instant retryUntil) {
        WorkItem item = o.item();
        Timestamp now = Timestamp.from(Instant.now());
        Timestamp next = nextAttemptAt == null ? null : Timestamp.from(nextAttemptAt);
        Timestamp until = retryUntil == null ? null : Timestamp.from(retryUntil);
        int updated = jdbc.update("update execution_item set environment = ?, version = ?, status = ?,"
                        + " attempts = attempts + ?, error = ?, url = coalesce(?, url), title = coalesce(?, title),"
                        + " next_attempt_at = ?, retry_until = ?, updated_at = ? where execution_uid = ? and item_key = ?",
                item.environment(), item.version(), status, o.attempts(), truncate(error, 4000), truncate(url, 2048),
                truncate(title, 1024), next, until, now, executionUid, item.resultKey());
        if (updated == 0) {
            jdbc.update("insert into execution_item (execution_uid, item_key, type, content_type_uid, uid, locale,"
                            + " environment, environment_uid, action, version, event_time, status, attempts, error, url,"
                            + " title, next_attempt_at, retry_until, updated_at)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    executionUid, item.resultKey(), item.type(), item.contentTypeUid(), item.uid(), item.locale(),
                    item.environment(), item.environmentUid(), item.action(), item.version(),
                    Timestamp.from(item.eventTime()), status, o.attempts(), truncate(error, 4000), truncate(url, 2048),
                    truncate(title, 1024), next, until, now);
        }
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
