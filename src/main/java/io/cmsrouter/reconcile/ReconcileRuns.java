package io.cmsrouter.reconcile;

import io.cmsrouter.cluster.TaskLeases;
import io.cmsrouter.common.ConflictException;
import io.cmsrouter.common.Durations;
import io.cmsrouter.common.Texts;
import io.cmsrouter.intake.IntakeJournal.Recovery;
import io.cmsrouter.reconcile.ExecutionsLog.FailedExecution;
import io.cmsrouter.retry.Failures;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The reconciliation's runs (routes/reconcile.camel.yaml): one at a time in the whole cluster, each recorded in table reconcile_run with
 * what it read and found, the last {@value #KEPT} kept for GET /admin/reconcile.
 */
@Component("reconcileRuns")
public class ReconcileRuns {
    private static final Logger LOG = LoggerFactory.getLogger(ReconcileRuns.class);
    private static final int KEPT = 100;

    private final JdbcTemplate jdbc;
    private final Checkpoints checkpoints;
    private final Duration interval;
    private final String webhookName;
    static final String TASK = "reconcile";
    private final AtomicBoolean running = new AtomicBoolean();
    private final TaskLeases tasks;

    public ReconcileRuns(JdbcTemplate jdbc, Checkpoints checkpoints, TaskLeases tasks,
                         @Value("${router.reconcile.interval}") Duration interval,
                         @Value("${contentstack.webhook.name}") String webhookName) {
        this.jdbc = jdbc;
        this.checkpoints = checkpoints;
        this.tasks = tasks;
        this.interval = interval;
        this.webhookName = webhookName;
    }

    public boolean idle() {
        return !running.get();
    }

    /** Starts an operator's run, or refuses while another is under way. */
    public Run begin() {
        Run run = tryBegin();
        if (run == null) {
            String holder = tasks.holderOf(TASK);
            throw new ConflictException("a reconciliation run is under way" + (holder == null ? "" : " on " + holder)
                    + "; see GET /admin/reconcile");
        }
        return run;
    }

    /** Starts a run, or answers null while another is under way, here or on another instance. */
    public Run tryBegin() {
        if (!running.compareAndSet(false, true)) {
            return null;
        }
        boolean held = false;
        try {
            held = tasks.tryHold(TASK);
            if (!held) {
                running.set(false);
                return null;
            }
            Instant now = Instant.now();
            KeyHolder key = new GeneratedKeyHolder();
            jdbc.update(connection -> {
                PreparedStatement insert = connection.prepareStatement("insert into reconcile_run (started_at,"
                        + " outcome) values (?, 'running')", new String[] {"id"});
                insert.setTimestamp(1, Timestamp.from(now));
                return insert;
            }, key);
            return new Run(key.getKey().longValue(), now);
        } catch (RuntimeException e) {
            if (held) {
                tasks.release(TASK);
            }
            running.set(false);
            throw e;
        }
    }

    public void recovered(@ExchangeProperty("reconcileRun") Run run) {
        run.recovered++;
    }

    public void duplicate(@ExchangeProperty("reconcileRun") Run run) {
        run.duplicates++;
    }

    public void retried(@ExchangeProperty("reconcileRun") Run run) {
        run.retried++;
    }

    /** A recovered event the router cannot take (what it would have answered the delivery with a 4xx). */
    public void refused(@ExchangeProperty("reconcileRun") Run run, @ExchangeProperty("recovery") Recovery recovery,
                        Exchange exchange) {
        run.refused++;
        String reason = Failures.describe(Failures.of(exchange));
        LOG.warn("Reconciliation: execution {} refused: {}", recovery.executionUid(), reason);
        run.error("execution " + recovery.executionUid() + " refused: " + reason);
    }

    /**
     * Contentstack would not retry an execution (a 4xx, or a 5xx past the retries): it is counted refused, and the
     * run goes on. Unless the token may not retry (401, 403): then no retry can work, and the run fails, so the
     * window is read again once the token is mended.
     */
    public void retryRefused(@ExchangeProperty("reconcileRun") Run run, @ExchangeProperty("recovery") Recovery recovery,
                             Exchange exchange) throws Exception {
        Throwable failure = Failures.of(exchange);
        int status = Failures.statusCode(failure);
        if (status == 401 || status == 403) {
            throw failure instanceof Exception e ? e : new IllegalStateException(failure);
        }
        refused(run, recovery, exchange);
    }

    /** An execution the router cannot recover, and why. */
    public void unrecoverable(@ExchangeProperty("reconcileRun") Run run, @Body FailedExecution execution) {
        run.refused++;
        LOG.warn("Reconciliation: execution {} cannot be recovered: {}", execution.recovery().executionUid(),
                execution.problem());
        run.error("execution " + execution.recovery().executionUid() + " cannot be recovered: " + execution.problem());
    }

    /** The webhook could not be synced; the log is read all the same, and the next run syncs again. */
    public void syncFailed(@ExchangeProperty("reconcileRun") Run run, Exchange exchange) {
        String reason = Failures.describe(Failures.of(exchange));
        run.syncFailed = true;
        run.error("sync of the webhook failed: " + reason);
        LOG.warn("Reconciliation run {}: the webhook could not be synced, tried again in {}: {}", run.id,
                Durations.simple(interval), reason);
    }

    /** Nothing to read: the stack has no webhook by the router's name. */
    public void noWebhook(@ExchangeProperty("reconcileRun") Run run) {
        run.outcome = "skipped";
        run.error("the stack has no webhook named '" + webhookName + "'");
    }

    /** The run stopped on a failure; its checkpoint stays where the last complete window left it. */
    public void failed(@ExchangeProperty("reconcileRun") Run run, Exchange exchange) {
        run.outcome = "failed";
        String reason = Failures.describe(Failures.of(exchange));
        run.error(reason);
        LOG.warn("Reconciliation run {} failed, tried again in {}: {}", run.id, Durations.simple(interval),
                reason);
    }

    /** Records the run and lets the next one start; answers the run. */
    public Map<String, Object> finish(@ExchangeProperty("reconcileRun") Run run) {
        try {
            if ("running".equals(run.outcome)) {
                run.outcome = run.syncFailed ? "failed" : "succeeded";
            }
            Instant finished = Instant.now();
            int[] c = run.counts();
            jdbc.update("update reconcile_run set finished_at = ?, webhook_uid = ?, window_from = ?, window_to = ?,"
                    + " executions_seen = ?, failed_seen = ?, recovered = ?, duplicates = ?, retried = ?, refused = ?,"
                    + " outcome = ?, errors = ? where id = ?", Timestamp.from(finished), run.webhookUid,
                    timestamp(run.windowFrom), timestamp(run.windowTo), c[0], c[1], c[2], c[3], c[4], c[5],
                    run.outcome, errors(run), run.id);
            jdbc.update("delete from reconcile_run where id <= ?", run.id - KEPT);
            if (c[2] + c[4] > 0 || !run.errors.isEmpty()) {
                LOG.info("Reconciliation run {}: {} executions read, {} failed, {} recovered, {} already had,"
                        + " {} retried in Contentstack, {} refused", run.id, c[0], c[1], c[2], c[3], c[4], c[5]);
            }
            return Run.view(run.id, run.startedAt, finished, run.webhookUid, run.windowFrom, run.windowTo, c,
                    run.outcome, run.errors);
        } finally {
            tasks.release(TASK);
            running.set(false);
        }
    }

    /** GET /admin/reconcile: the schedule, the checkpoint and the last runs, newest first. */
    public Map<String, Object> recent() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("interval", Durations.simple(interval));
        view.put("running", running.get());
        List<Map<String, Object>> runs = jdbc.query("select * from reconcile_run order by id desc limit 20",
                (rs, n) -> view(rs));
        view.put("checkpoint", runs.stream().map(r -> (String) r.get("webhook_uid")).filter(uid -> uid != null)
                .findFirst().map(checkpoints::checkpoint).map(Instant::toString).orElse(null));
        view.put("runs", runs);
        return view;
    }

    /** The run's errors as stored: one a line, cut to the column. */
    private static String errors(Run run) {
        if (run.errors.isEmpty()) {
            return null;
        }
        return Texts.cut(String.join("\n", run.errors), 4000);
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        String errors = rs.getString("errors");
        int[] counts = {rs.getInt("executions_seen"), rs.getInt("failed_seen"), rs.getInt("recovered"),
                rs.getInt("duplicates"), rs.getInt("retried"), rs.getInt("refused")};
        return Run.view(rs.getLong("id"), instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("finished_at")),
                rs.getString("webhook_uid"), instant(rs.getTimestamp("window_from")),
                instant(rs.getTimestamp("window_to")), counts, rs.getString("outcome"),
                errors == null ? List.of() : Arrays.asList(errors.split("\n")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
