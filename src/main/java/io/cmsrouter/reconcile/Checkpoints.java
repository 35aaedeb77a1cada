package io.cmsrouter.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.common.Timestamps;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * How far the executions log of the router's webhook has been read (table reconcile_checkpoint), and the windows a
 * run reads next: from the checkpoint to now, an hour at a time, each window's end checkpointed once all its pages
 * are read, so a long outage is read completely and a restart does not read it again.
 */
@Component("checkpoints")
public class Checkpoints {
    /** Contentstack keeps executions 30 days; the first minute of that is left alone, as it may be purged mid-read. */
    static final Duration LOG_KEPT = Duration.ofDays(30).minusMinutes(1);
    /**
     * Each run reads again this far before its checkpoint: Contentstack logs an execution once its first attempt is
     * answered (seed 004's about 10 s after triggered_at), so one may appear after a run passed its time. What is
     * read twice is recognised by the intake's dedupe.
     */
    static final Duration LOG_LAG = Duration.ofMinutes(2);
    /** A window's failed executions are held together, to be recovered oldest first: an hour bounds them. */
    static final Duration WINDOW = Duration.ofHours(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    @Autowired
    public Checkpoints(JdbcTemplate jdbc) {
        this(jdbc, Clock.systemUTC());
    }

    Checkpoints(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A span of the executions log, read with from and to. */
    public record Window(Instant from, Instant to) {
    }

    /**
     * The windows this run reads, oldest first. Without a checkpoint it starts where the webhook was created, or
     * where Contentstack's log starts if that is later; a checkpoint older than the log loses what lies between,
     * which the run reports.
     */
    public List<Window> windows(@ExchangeProperty("webhook") JsonNode webhook,
                                @ExchangeProperty("reconcileRun") Run run) {
        String uid = webhook.path("uid").asText();
        // as precise as the database keeps it
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant logStart = now.minus(LOG_KEPT);
        Instant checkpoint = checkpoint(uid);
        Instant from;
        if (checkpoint == null) {
            from = later(Timestamps.parseOr(webhook.path("created_at").asText(null), Instant.EPOCH), logStart);
            forgetOtherWebhooks(uid, run);
        } else {
            from = checkpoint.minus(LOG_LAG);
            if (from.isBefore(logStart)) {
                run.error("executions from " + from + " to " + logStart + " are past Contentstack's 30-day log and"
                        + " cannot be read");
                from = logStart;
            }
        }
        run.webhookUid = uid;
        run.windowFrom = from;
        run.windowTo = now;
        return split(from, now);
    }

    static List<Window> split(Instant from, Instant to) {
        List<Window> windows = new ArrayList<>();
        for (Instant start = from; start.isBefore(to); start = start.plus(WINDOW)) {
            Instant end = start.plus(WINDOW);
            windows.add(new Window(start, end.isBefore(to) ? end : to));
        }
        return windows;
    }

    /**
     * The webhook was made again (deleted in Contentstack, say): what the old one's log still held after its
     * checkpoint cannot be read any more. Said on the run, and the old checkpoint dropped.
     */
    private void forgetOtherWebhooks(String uid, Run run) {
        for (String old : jdbc.queryForList("select webhook_uid from reconcile_checkpoint where webhook_uid <> ?",
                String.class, uid)) {
            run.error("the webhook is a new one (" + uid + ", was " + old + "): the old one's executions after its"
                    + " checkpoint " + checkpoint(old) + " cannot be read");
            jdbc.update("delete from reconcile_checkpoint where webhook_uid = ?", old);
        }
    }

    /** The window was read completely: the next run starts at its end. */
    public void advance(@ExchangeProperty("reconcileWindow") Window window, @ExchangeProperty("reconcileRun") Run run) {
        Timestamp to = Timestamp.from(window.to());
        if (jdbc.update("update reconcile_checkpoint set read_to = ? where webhook_uid = ?", to, run.webhookUid) == 0) {
            jdbc.update("insert into reconcile_checkpoint (webhook_uid, read_to) values (?, ?)", run.webhookUid, to);
        }
    }

    /** The checkpoint of a webhook, or null. */
    Instant checkpoint(String webhookUid) {
        List<Timestamp> read = jdbc.queryForList(
                "select read_to from reconcile_checkpoint where webhook_uid = ?", Timestamp.class, webhookUid);
        return read.isEmpty() ? null : read.get(0).toInstant();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
