package io.cmsrouter.execution;

import io.cmsrouter.common.ConflictException;
import io.cmsrouter.downstream.Outbox;
import io.cmsrouter.retry.Backoff;
import io.cmsrouter.store.Durability;
import io.cmsrouter.store.Uuids;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An operator's retry of a dead letter ({@code POST /executions/{uid}/retry}): a failed or partial execution's
 * failed items are due again at once, on a fresh schedule; a run that failed as a whole runs again (a fan-out
 * resumes where it stopped); its failed downstream notifications go back to the outbox. With {@code target}, only
 * that target's failed notifications are sent again and nothing else runs. Items already applied are not redone.
 */
@Component("retries")
public class Retries {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Ledger ledger;
    private final Outbox outbox;
    private final Backoff backoff;
    private final Durability durability;

    public Retries(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Ledger ledger, Outbox outbox,
                   Backoff backoff, Durability durability) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.ledger = ledger;
        this.outbox = outbox;
        this.backoff = backoff;
        this.durability = durability;
    }

    public Map<String, Object> schedule(@Header("executionUid") String executionUid, @Header("target") String target) {
        UUID uid = Uuids.parseOrNull(executionUid);
        Map<String, Object> notice = transactions.execute(tx -> {
            List<Map<String, Object>> found = uid == null ? List.of()
                    : jdbc.queryForList("select status, error from execution where uid = ?", uid);
            if (found.isEmpty()) {
                throw new ExecutionQueries.ExecutionNotFoundException(executionUid);
            }
            String status = (String) found.get(0).get("STATUS");
            if (!List.of("failed", "partial").contains(status)) {
                throw new NothingToRetryException("execution '" + uid + "' is " + status
                        + "; only failed or partial executions can be retried");
            }
            int replayed = outbox.replay(uid, target);
            if (target != null && replayed == 0) {
                throw new NothingToRetryException("execution '" + uid + "' has no failed notification to target '"
                        + target + "'");
            }
            Timestamp now = Timestamp.from(Instant.now());
            int failedItems = target != null ? 0 : jdbc.update("update execution_item set status = 'pending',"
                    + " next_attempt_at = ?, retry_until = ?, error = null where execution_uid = ? and status = 'failed'",
                    now, Timestamp.from(backoff.giveUpAt(now.toInstant())), uid);
            boolean failedAsAWhole = "failed".equals(status) && found.get(0).get("ERROR") != null;
            boolean runAgain = target == null && failedAsAWhole;
            String next = runAgain ? "received" : failedItems > 0 ? "retrying"
                    // replaying notifications alone does not mend a run that failed
                    : failedAsAWhole ? "failed" : ledger.resultStatus(uid);
            // one statement decides, so two concurrent retries cannot both schedule a run
            if (jdbc.update("update execution set status = ?, error = case when ? then null else error end,"
                            + " attempts = case when ? then 0 else attempts end, next_attempt_at = null,"
                            + " retry_until = null, updated_at = ? where uid = ? and status = ?",
                    next, runAgain, runAgain, now, uid, status) == 0) {
                throw new NothingToRetryException("execution '" + uid + "' is already being retried");
            }
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("notice", "Retry scheduled");
            n.put("execution_uid", executionUid);
            n.put("failed_items", failedItems);
            n.put("notifications_replayed", replayed);
            n.put("rerun", runAgain || failedItems > 0);
            return n;
        });
        durability.flush();
        return notice;
    }

    public static class NothingToRetryException extends ConflictException {
        public NothingToRetryException(String message) {
            super(message);
        }
    }
}
