package io.cmsrouter.downstream;

import io.cmsrouter.cluster.Leases;
import io.cmsrouter.common.Texts;
import io.cmsrouter.retry.Backoff;
import io.cmsrouter.retry.Failures;
import io.cmsrouter.retry.RedeliveryCounter;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What happens to a notification as its target's delivery route (routes/downstream.camel.yaml) sends it: claimed when
 * due (one instance sends it), delivered, held while the target's breaker is open or it is disabled, rescheduled on the durable schedule
 * ({@link Backoff}) when the in-process retries did not cure a transient failure, or a dead letter when the failure is
 * permanent or outlasts the schedule.
 */
@Component("deliveries")
public class Deliveries {
    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);
    static final String CLAIMED = "claimedNotifications";

    private final JdbcTemplate jdbc;
    private final Targets targets;
    private final CamelContext camel;
    private final Backoff backoff;
    private final Leases leases;
    private final TargetMeters meters;

    public Deliveries(JdbcTemplate jdbc, Targets targets, CamelContext camel, Backoff backoff, Leases leases,
                      TargetMeters meters) {
        this.jdbc = jdbc;
        this.targets = targets;
        this.camel = camel;
        this.backoff = backoff;
        this.leases = leases;
        this.meters = meters;
    }

    /** One request to one target; {@code uid} is its Standard Webhooks webhook-id. */
    public record Notification(long id, String uid, UUID executionUid, String target, byte[] payload) {
    }

    /**
     * The target's next due notifications, oldest first (those waiting for a scheduled retry once it is time), each
     * claimed for this instance (property {@value #CLAIMED}; their leases go back when the route is through them);
     * none while it is disabled or its breaker is open.
     */
    public List<Notification> due(@ExchangeProperty(Targets.TARGET) String target, Exchange exchange) {
        int sendable = targets.sendable(target);
        if (sendable == 0) {
            return List.of();
        }
        Timestamp now = now();
        List<Long> claimed = leases.claimNotifications("target = ? and status = 'pending'"
                + " and (next_attempt_at is null or next_attempt_at <= ?)", "id", sendable, target, now);
        exchange.setProperty(CLAIMED, claimed);
        if (claimed.isEmpty()) {
            return List.of();
        }
        return jdbc.query("select id, uid, execution_uid, target, payload from notification where id in ("
                        + String.join(", ", Collections.nCopies(claimed.size(), "?")) + ") order by id",
                (rs, n) -> new Notification(rs.getLong("id"), rs.getString("uid"),
                        rs.getObject("execution_uid", UUID.class), rs.getString("target"), rs.getBytes("payload")),
                claimed.toArray());
    }

    /** The route is through the notifications it claimed: delivered, rescheduled, failed or held, they go back. */
    public void release(@ExchangeProperty(CLAIMED) List<Long> claimed) {
        if (claimed != null) {
            leases.releaseNotifications(claimed);
        }
    }

    public void delivered(@ExchangeProperty("notification") Notification notification,
                          @ExchangeProperty(RedeliveryCounter.PROPERTY) Integer redeliveries) {
        jdbc.update("update notification set status = 'delivered', attempts = attempts + ?, error = null,"
                + " next_attempt_at = null, updated_at = ? where id = ?", 1 + orZero(redeliveries), now(),
                notification.id());
        targets.delivered(notification.target());
        meters.count(notification.target(), "delivered");
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
        meters.count(notification.target(), "held");
    }

    /**
     * A transient failure that the in-process retries did not cure: the notification waits for its next attempt on
     * the durable schedule, or, once that is over, becomes a dead letter.
     *
     * @return the execution's uid when the notification became a dead letter, else null
     */
    public String reschedule(@ExchangeProperty("notification") Notification notification, Exchange exchange) {
        if (stopping()) {
            hold(notification, exchange);
            return null;
        }
        int attempts = 1 + orZero(exchange.getProperty(RedeliveryCounter.PROPERTY, Integer.class));
        Instant now = Instant.now();
        Timestamp scheduled = jdbc.queryForObject("select retry_until from notification where id = ?",
                Timestamp.class, notification.id());
        Instant giveUpAt = scheduled == null ? backoff.giveUpAt(now) : scheduled.toInstant();
        Optional<Instant> next = backoff.next(now, giveUpAt);
        if (next.isEmpty()) {
            return deadLetter(notification, exchange);
        }
        String reason = Failures.describe(Failures.of(exchange));
        LOG.info("Notification {} of execution {} to target {} failed ({}); next attempt at {}", notification.uid(),
                notification.executionUid(), notification.target(), reason, next.get());
        jdbc.update("update notification set attempts = attempts + ?, error = ?, next_attempt_at = ?, retry_until = ?,"
                        + " updated_at = ? where id = ?", attempts, truncate(reason), Timestamp.from(next.get()),
                Timestamp.from(giveUpAt), now(), notification.id());
        meters.count(notification.target(), "rescheduled");
        return null;
    }

    /**
     * A failure that retrying cannot cure, or that outlasted the schedule: the notification becomes a dead letter on
     * its execution (which the delivery route then marks partial); POST /executions/{uid}/retry sends it again.
     *
     * @return the execution's uid, or null when a shutdown cut the delivery short (it stays pending)
     */
    public String deadLetter(@ExchangeProperty("notification") Notification notification, Exchange exchange) {
        if (stopping()) {
            hold(notification, exchange);
            return null;
        }
        String reason = Failures.describe(Failures.of(exchange));
        int attempts = 1 + orZero(exchange.getProperty(RedeliveryCounter.PROPERTY, Integer.class));
        LOG.warn("Notification {} of execution {} to target {} failed after {} attempts: {}", notification.uid(),
                notification.executionUid(), notification.target(), attempts, reason);
        jdbc.update("update notification set status = 'failed', attempts = attempts + ?, error = ?,"
                + " next_attempt_at = null, updated_at = ? where id = ?", attempts, truncate(reason), now(),
                notification.id());
        meters.count(notification.target(), "dead-letter");
        return notification.executionUid().toString();
    }

    /** Stopping cut the delivery short, not the target: it stays pending and goes out after the restart. */
    private boolean stopping() {
        return camel.isStopping() || camel.getShutdownStrategy().isForceShutdown();
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    private static String truncate(String s) {
        return Texts.cut(s, 4000);
    }
}
