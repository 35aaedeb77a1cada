package io.cmsrouter.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * Purges executions older than {@code router.executions.retention} (with their event, items and notifications),
 * except those still running or holding notifications for a target, and dedupe records older than the dedupe window.
 */
@Component("retention")
public class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final JdbcTemplate jdbc;
    private final Duration retention;
    private final Duration dedupeWindow;

    public Retention(JdbcTemplate jdbc, @Value("${router.executions.retention}") Duration retention,
                     @Value("${router.dedupe.window}") Duration dedupeWindow) {
        this.jdbc = jdbc;
        this.retention = retention;
        this.dedupeWindow = dedupeWindow;
    }

    public int purge() {
        Instant now = Instant.now();
        int purged = jdbc.update("delete from execution where created_at < ?"
                        + " and status not in ('received', 'processing', 'retrying') and not exists (select 1 from"
                        + " notification where execution_uid = execution.uid and status = 'pending')",
                Timestamp.from(now.minus(retention)));
        jdbc.update("delete from delivery where received_at < ?", Timestamp.from(now.minus(dedupeWindow)));
        if (purged > 0) {
            LOG.info("Purged {} executions older than {}", purged, retention);
        }
        return purged;
    }
}
