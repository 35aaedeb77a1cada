package io.cmsrouter.execution;

import io.cmsrouter.common.Texts;
import io.cmsrouter.content.Outcome;
import io.cmsrouter.content.Outcomes;
import io.cmsrouter.content.Page;
import io.cmsrouter.contentstack.JobProgress;
import io.cmsrouter.store.Durability;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An execution's lifecycle, one transaction per step that changes it. A single event is settled in one transaction
 * (its item's result and content, its status, its outbox rows: routes/settle.camel.yaml); a fan-out commits each page
 * (the items' results and content, and the position to resume at) in one transaction, then settles.
 * <p>
 * Statuses: received (accepted, to run) → processing (a fan-out under way) → succeeded | partial | failed |
 * ignored, or retrying (the run is over but items wait for a scheduled retry). A run that fails as a whole on a
 * transient error goes back to received (or processing) with {@code next_attempt_at}, and the backlog sweep runs
 * it again then.
 */
@Component("ledger")
public class Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
    public static final String IGNORED = "ignored";
    /** What {@link #settle} answers for a job whose pages other instances are still doing: nothing is settled yet. */
    public static final String PAGES_OUTSTANDING = "pages-outstanding";
    /** The status writeResults gave a single event's one item, so its settlement needs no count of results. */
    static final String ITEM_STATUS = "itemStatus";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ItemResults itemResults;
    private final Durability durability;
    private final RunFailures runFailures;
    private final CamelContext camel;
    private final JobProgress jobProgress;

    public Ledger(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, ItemResults itemResults,
                  Durability durability, RunFailures runFailures, CamelContext camel, JobProgress jobProgress) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.itemResults = itemResults;
        this.durability = durability;
        this.runFailures = runFailures;
        this.camel = camel;
        this.jobProgress = jobProgress;
    }

    /** Where a fan-out resumes: 0, or past the pages a previous run committed. */
    public int resumeAt(@ExchangeProperty("executionUid") String uid) {
        return jdbc.queryForObject("select resume_at from execution where uid = ?", Integer.class, UUID.fromString(uid));
    }

    /** A job's count of items, as a previous run learnt it from the first page, or null. */
    public Integer itemTotal(@ExchangeProperty("executionUid") String uid) {
        return jdbc.queryForObject("select item_total from execution where uid = ?", Integer.class, UUID.fromString(uid));
    }

    /** Whether a fan-out has pages left: false once a previous run committed its last page. */
    public boolean pagesLeft(@ExchangeProperty("executionUid") String uid) {
        return !jdbc.queryForObject("select fanned_out from execution where uid = ?", Boolean.class, UUID.fromString(uid));
    }

    /**
     * Commits a page: its items' results and content, and the position after it, in one transaction made durable
     * before the next page starts, so a crash redoes at most the page in flight. {@code splitResult} is the split's
     * result (the page's items' outcomes); a page without items leaves the body as it was.
     */
    public void commitPage(@ExchangeProperty("executionUid") String uid, @ExchangeProperty("page") Page page,
                           @ExchangeProperty(JobProgress.PAGE_AT) Integer jobPageAt, @Body Object splitResult) {
        if (forcedShutdown()) {
            // the page is not committed; ending the run here spares fetching pages that could not be committed either
            throw new IllegalStateException("interrupted by a forced shutdown before the page was committed");
        }
        List<Outcome> pageOutcomes = new ArrayList<>(page.skipped());
        if (splitResult instanceof List<?> results) {
            results.stream().filter(Outcome.class::isInstance).map(Outcome.class::cast).forEach(pageOutcomes::add);
        }
        if (pageOutcomes.size() != page.items().size() + page.skipped().size()) {
            // every item leaves an outcome (apply-item's error policy sees to it): nothing is committed without one
            throw new IllegalStateException("a page of " + page.items().size() + " items came back with "
                    + (pageOutcomes.size() - page.skipped().size()) + " outcomes");
        }
        int position = page.next();
        UUID executionUid = UUID.fromString(uid);
        transactions.executeWithoutResult(tx -> {
            durability.lazyCommit();
            if (jobPageAt != null && !jobProgress.done(executionUid, jobPageAt)) {
                // another instance took the page over when this one's lease ran out: its results are that one's
                LOG.info("Execution {}: page at {} was taken over by another instance; this run's results of it are"
                        + " left out", uid, jobPageAt);
                return;
            }
            itemResults.record(executionUid, pageOutcomes, page.retried());
            jdbc.update("update execution set status = case when status = 'received' then 'processing' else status end,"
                            + " resume_at = greatest(resume_at, ?), fanned_out = fanned_out or ?,"
                            + " item_total = coalesce(item_total, ?), updated_at = ? where uid = ?", position,
                    position > 0 && !page.more(), page.total(), now(), executionUid);
        });
        durability.flush();
    }

    /** Writes a single event's outcome, inside the settlement's transaction; its item has no result yet. */
    public void writeResults(@ExchangeProperty("executionUid") String uid,
                             @ExchangeProperty(Outcomes.OUTCOME) Outcome outcome, Exchange exchange) {
        if (outcome != null && !forcedShutdown()) {
            exchange.setProperty(ITEM_STATUS, itemResults.record(UUID.fromString(uid), List.of(outcome), false).get(0));
        }
    }

    /**
     * Settles the execution after a run, in the caller's transaction: its status from its results, or from the run's
     * failure. A run cut short by a forced shutdown settles nothing: it resumes on the next start.
     */
    public String settle(@ExchangeProperty("executionUid") String uid, @ExchangeProperty(IGNORED) Boolean ignored,
                         @ExchangeProperty(RunFailures.RUN_ERROR) String runError,
                         @ExchangeProperty(RunFailures.RUN_RETRYABLE) Boolean retryable,
                         @ExchangeProperty(ITEM_STATUS) String itemStatus,
                         @ExchangeProperty("jobId") String jobId) {
        UUID executionUid = UUID.fromString(uid);
        if (forcedShutdown()) {
            LOG.info("Execution {} interrupted by shutdown; it resumes on the next start", uid);
            return "interrupted";
        }
        if (jobId != null && runError == null && jobProgress.waitForOpenPages(executionUid)) {
            return PAGES_OUTSTANDING;
        }
        if (Boolean.TRUE.equals(ignored)) {
            return setStatus(executionUid, "ignored", null);
        }
        if (runError == null) {
            return setStatus(executionUid, itemStatus != null ? statusOf(itemStatus) : resultStatus(executionUid), null);
        }
        return runFailures.settle(executionUid, runError, Boolean.TRUE.equals(retryable));
    }

    /** A notification became a dead letter: its execution is partial (unless it already is, or failed). */
    public void notificationFailed(@ExchangeProperty("deadLetter") String uid) {
        jdbc.update("update execution set status = 'partial', updated_at = ? where uid = ? and status = 'succeeded'",
                now(), UUID.fromString(uid));
    }

    private String setStatus(UUID uid, String status, String error) {
        jdbc.update("update execution set status = ?, error = ?, next_attempt_at = null, updated_at = ? where uid = ?",
                status, Texts.cut(error, 4000), now(), uid);
        return status;
    }

    /** A single event's status from its one item's (nothing notified it yet, so no notification failed). */
    private static String statusOf(String itemStatus) {
        return switch (itemStatus) {
            case "pending" -> "retrying";
            case "failed" -> "failed";
            default -> "succeeded";
        };
    }

    /**
     * What an execution's results add up to: retrying while items wait for a scheduled retry; failed when no item
     * succeeded and some failed; partial when some items or downstream notifications failed; else succeeded.
     * Superseded items were handled (a newer event already stood); skipped ones were Contentstack's failures.
     */
    String resultStatus(UUID uid) {
        Map<String, Object> counts = jdbc.queryForMap("select"
                + " coalesce(sum(case when status in ('succeeded', 'superseded') then 1 else 0 end), 0) as succeeded,"
                + " coalesce(sum(case when status = 'failed' then 1 else 0 end), 0) as failed,"
                + " coalesce(sum(case when status = 'pending' then 1 else 0 end), 0) as pending"
                + " from execution_item where execution_uid = ?", uid);
        if (((Number) counts.get("PENDING")).longValue() > 0) {
            return "retrying";
        }
        if (((Number) counts.get("FAILED")).longValue() > 0) {
            return ((Number) counts.get("SUCCEEDED")).longValue() == 0 ? "failed" : "partial";
        }
        Long failedNotifications = jdbc.queryForObject("select count(*) from notification where execution_uid = ?"
                + " and status = 'failed'", Long.class, uid);
        return failedNotifications != null && failedNotifications > 0 ? "partial" : "succeeded";
    }

    private boolean forcedShutdown() {
        return camel.getShutdownStrategy().isForceShutdown();
    }

    static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
