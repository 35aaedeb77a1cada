package io.cmsrouter.downstream;

import io.cmsrouter.store.SqlDialect;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A target's state as every instance sees it (table target_state): disabled after a 410 Gone, and its breaker open
 * until a time. An instance whose breaker opens writes it here, so the others hold the target's notifications too
 * rather than each finding out with failures of its own; once the time has passed one probe goes out, and a probe that
 * succeeds anywhere closes it for all. Enabling the target again, on any instance, clears both.
 */
@Component
class TargetStates {
    private final JdbcTemplate jdbc;

    TargetStates(JdbcTemplate jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        if (!dialect.shared()) {
            // a breaker is this process's: a restart starts with it closed (a 410's disablement stays)
            jdbc.update("update target_state set open_until = null where open_until is not null");
        }
    }

    /** What is shared about a target: why it is disabled (or null), until when its breaker is open (or null). */
    record State(String disabledReason, Instant openUntil) {
        static final State CLEAR = new State(null, null);

        boolean open(Instant now) {
            return openUntil != null && now.isBefore(openUntil);
        }

        boolean probing(Instant now) {
            return openUntil != null && !now.isBefore(openUntil);
        }
    }

    State of(String target) {
        List<State> found = jdbc.query("select disabled_reason, open_until from target_state where target = ?",
                (rs, n) -> new State(rs.getString(1), rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant()),
                target);
        return found.isEmpty() ? State.CLEAR : found.get(0);
    }

    void disable(String target, String reason) {
        upsert(target, "disabled_reason = ?", reason);
    }

    void opened(String target, Duration wait) {
        upsert(target, "open_until = ?", Timestamp.from(Instant.now().plus(wait)));
    }

    /** A call went through: the breaker is closed for every instance (a no-op while it is). */
    void closed(String target) {
        jdbc.update("update target_state set open_until = null, updated_at = ? where target = ? and open_until is not null",
                now(), target);
    }

    void enable(String target) {
        jdbc.update("update target_state set disabled_reason = null, open_until = null, updated_at = ? where target = ?",
                now(), target);
    }

    private void upsert(String target, String set, Object value) {
        if (jdbc.update("update target_state set " + set + ", updated_at = ? where target = ?", value, now(), target) == 0) {
            try {
                jdbc.update("insert into target_state (target, updated_at) values (?, ?)", target, now());
            } catch (org.springframework.dao.DuplicateKeyException anotherInstanceWasFirst) {
                // it inserted the row meanwhile; the update below sets what this one knows
            }
            jdbc.update("update target_state set " + set + ", updated_at = ? where target = ?", value, now(), target);
        }
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
