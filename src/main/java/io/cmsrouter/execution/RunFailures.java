package io.cmsrouter.execution;

import io.cmsrouter.common.Texts;
import io.cmsrouter.common.Timestamps;
import io.cmsrouter.content.Outcomes;
import io.cmsrouter.retry.Backoff;
import io.cmsrouter.retry.Failures;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Failures of a run as a whole, as opposed to one item's: kept on the exchange when they happen, and settled by
 * scheduling the run again on the durable schedule ({@link Backoff}) when they are transient and the schedule is not
 * over, else by failing the execution. A run of scheduled retries that fails pushes its items back instead.
 */
@Component("runFailures")
public class RunFailures {
    private static final Logger LOG = LoggerFactory.getLogger(RunFailures.class);
    /** Exchange properties a run's failure leaves for the settlement. */
    public static final String RUN_ERROR = "runError";
    public static final String RUN_RETRYABLE = "runRetryable";

    private final JdbcTemplate jdbc;
    private final Backoff backoff;
    private final Outcomes outcomes;

    public RunFailures(JdbcTemplate jdbc, Backoff backoff, Outcomes outcomes) {
        this.jdbc = jdbc;
        this.backoff = backoff;
        this.outcomes = outcomes;
    }

    /**
     * What the cms-retries policy could not cure (its retries used up, or not worth retrying): the failure of the
     * item in hand, or else of the run.
     */
    public void recordFailure(Exchange exchange) {
        if (exchange.getProperty("item") != null) {
            outcomes.failed(exchange);
            return;
        }
        Throwable cause = Failures.of(exchange);
        exchange.setProperty(RUN_ERROR, Failures.describe(cause));
        exchange.setProperty(RUN_RETRYABLE, Failures.isTransientCause(cause));
        LOG.warn("Execution {} failed: {}", exchange.getProperty("executionUid"), Failures.describe(cause));
    }

    /**
     * Settles a run that failed, in the settlement's transaction: scheduled again (back to received, or processing
     * for a fan-out under way, with {@code next_attempt_at}) when the failure is transient and its schedule is not
     * over, else failed with the reason.
     */
    String settle(UUID uid, String runError, boolean retryable) {
        Map<String, Object> run = jdbc.queryForMap("select status, resume_at, retry_until from execution where uid = ?",
                uid);
        Instant now = Instant.now();
        if ("retrying".equals(run.get("STATUS"))) {
            return scheduledRetryFailed(uid, runError, now);
        }
        Instant giveUpAt = run.get("RETRY_UNTIL") == null ? backoff.giveUpAt(now) : Timestamps.of(run.get("RETRY_UNTIL"));
        Optional<Instant> next = retryable ? backoff.next(now, giveUpAt) : Optional.empty();
        String status = next.isEmpty() ? "failed" : ((Number) run.get("RESUME_AT")).intValue() > 0 ? "processing"
                : "received";
        jdbc.update("update execution set status = ?, error = ?, attempts = attempts + ?, next_attempt_at = ?,"
                        + " retry_until = ?, updated_at = ? where uid = ?", status, Texts.cut(runError, 4000),
                next.isPresent() ? 1 : 0, next.map(Timestamp::from).orElse(null), Timestamp.from(giveUpAt),
                Timestamp.from(now), uid);
        return status;
    }

    /**
     * A run of scheduled retries failed as a whole (committing its page, say): the items it was to retry stay
     * pending, pushed back by the schedule's first wait so the failure is not tried again at once.
     */
    private String scheduledRetryFailed(UUID uid, String runError, Instant now) {
        Instant later = backoff.next(now, backoff.giveUpAt(now)).orElse(now);
        jdbc.update("update execution_item set next_attempt_at = ? where execution_uid = ? and status = 'pending'"
                + " and next_attempt_at <= ?", Timestamp.from(later), uid, Timestamp.from(now));
        jdbc.update("update execution set error = ?, updated_at = ? where uid = ?", Texts.cut(runError, 4000),
                Timestamp.from(now), uid);
        return "retrying";
    }

    /**
     * The settlement itself failed and was rolled back (the database, say): the run is scheduled again on the
     * durable schedule, and fails once that is over, rather than being swept again at once, forever.
     */
    public void settlementFailed(@ExchangeProperty("executionUid") String uid, Exchange exchange) {
        UUID executionUid = UUID.fromString(uid);
        String reason = "settling the execution failed: " + Failures.describe(Failures.of(exchange));
        LOG.warn("Execution {}: {}", uid, reason);
        Instant now = Instant.now();
        Timestamp until = jdbc.queryForObject("select retry_until from execution where uid = ?", Timestamp.class,
                executionUid);
        Instant giveUpAt = until == null ? backoff.giveUpAt(now) : until.toInstant();
        Optional<Instant> next = backoff.next(now, giveUpAt);
        jdbc.update("update execution set status = case when ? then status else 'failed' end, error = ?,"
                        + " attempts = attempts + 1, next_attempt_at = ?, retry_until = ?, updated_at = ?"
                        + " where uid = ? and status in ('received', 'processing')", next.isPresent(),
                Texts.cut(reason, 4000), next.map(Timestamp::from).orElse(null), Timestamp.from(giveUpAt),
                Timestamp.from(now), executionUid);
    }
}
