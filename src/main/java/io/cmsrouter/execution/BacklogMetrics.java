package io.cmsrouter.execution;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * What waits, as gauges (README "Metrics"): the backlog (accepted executions not yet settled) and the age of its
 * oldest, the items waiting for a scheduled retry, and the dead letters an operator can retry (items and downstream
 * notifications that failed for good). Read from the store, shared by every instance, at most every few seconds
 * however often they are scraped.
 */
@Component
public class BacklogMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(BacklogMetrics.class);
    private static final Duration FRESH_FOR = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private volatile Snapshot last = unknown(Instant.EPOCH);

    record Snapshot(Instant at, double backlog, double oldestSeconds, double retries, double deadItems,
                    double deadNotifications) {
    }

    /** What the gauges show while the store cannot be read: not a number, rather than a stale one. */
    private static Snapshot unknown(Instant at) {
        return new Snapshot(at, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    public BacklogMetrics(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        gauge(meters, "router.backlog.executions", "Accepted executions not yet settled", "executions", Snapshot::backlog);
        gauge(meters, "router.backlog.oldest.age", "Age of the oldest execution not yet settled", "seconds",
                Snapshot::oldestSeconds);
        gauge(meters, "router.retries.scheduled", "Items waiting for a scheduled retry", "items", Snapshot::retries);
        Gauge.builder("router.dead.letters", this, m -> m.snapshot().deadItems()).tag("kind", "item")
                .description("Failed for good, to retry by hand").register(meters);
        Gauge.builder("router.dead.letters", this, m -> m.snapshot().deadNotifications()).tag("kind", "notification")
                .description("Failed for good, to retry by hand").register(meters);
    }

    private void gauge(MeterRegistry meters, String name, String description, String unit,
                       ToDoubleFunction<Snapshot> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.snapshot())).description(description).baseUnit(unit)
                .register(meters);
    }

    synchronized Snapshot snapshot() {
        Instant now = Instant.now();
        if (last.at().plus(FRESH_FOR).isAfter(now)) {
            return last;
        }
        Snapshot fresh;
        try {
            fresh = jdbc.queryForObject("select"
                    + " (select count(*) from execution where status in ('received', 'processing')) as backlog,"
                    + " (select min(created_at) from execution where status in ('received', 'processing')) as oldest,"
                    + " (select count(*) from execution_item where status = 'pending') as retries,"
                    + " (select count(*) from execution_item where status = 'failed') as dead_items,"
                    + " (select count(*) from notification where status = 'failed') as dead_notifications",
                    (rs, n) -> {
                        Timestamp oldest = rs.getTimestamp("oldest");
                        return new Snapshot(now, rs.getLong("backlog"),
                                oldest == null ? 0 : Duration.between(oldest.toInstant(), now).toMillis() / 1000.0,
                                rs.getLong("retries"), rs.getLong("dead_items"), rs.getLong("dead_notifications"));
                    });
        } catch (RuntimeException e) {
            // kept for as long as a reading would be, so a scrape does not wait on a store that is down each time
            LOG.debug("Backlog metrics: the store could not be read ({})", e.toString());
            fresh = unknown(now);
        }
        last = fresh;
        return fresh;
    }
}
