package io.cmsrouter.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reconciliation run while it runs: the window of the executions log it read and what it found there. Only the
 * run's own thread touches it (windows, pages and executions are worked one after another).
 */
public final class Run {
    /** Errors kept per run; a run with more has the same cause many times. */
    private static final int MAX_ERRORS = 20;

    final long id;
    final Instant startedAt;
    String webhookUid;
    Instant windowFrom;
    Instant windowTo;
    int executionsSeen;
    int failedSeen;
    int recovered;
    int duplicates;
    int retried;
    int refused;
    String outcome = "running";
    boolean syncFailed;
    final List<String> errors = new ArrayList<>();

    Run(long id, Instant startedAt) {
        this.id = id;
        this.startedAt = startedAt;
    }

    void error(String error) {
        if (errors.size() < MAX_ERRORS) {
            errors.add(error);
        }
    }

    /** As GET /admin/reconcile shows a run. */
    static Map<String, Object> view(long id, Instant startedAt, Instant finishedAt, String webhookUid,
                                    Instant windowFrom, Instant windowTo, int[] counts, String outcome,
                                    List<String> errors) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("started_at", iso(startedAt));
        v.put("finished_at", iso(finishedAt));
        v.put("outcome", outcome);
        v.put("webhook_uid", webhookUid);
        Map<String, Object> window = new LinkedHashMap<>();
        window.put("from", iso(windowFrom));
        window.put("to", iso(windowTo));
        v.put("window", window);
        v.put("executions_seen", counts[0]);
        v.put("failed_seen", counts[1]);
        v.put("recovered", counts[2]);
        v.put("duplicates", counts[3]);
        v.put("retried", counts[4]);
        v.put("refused", counts[5]);
        v.put("errors", errors);
        return v;
    }

    int[] counts() {
        return new int[] {executionsSeen, failedSeen, recovered, duplicates, retried, refused};
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
