package io.cmsrouter.execution;

import io.cmsrouter.cluster.Leases;
import io.cmsrouter.content.Page;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.content.WorkItems;
import io.cmsrouter.source.Sources;
import io.cmsrouter.webhook.EventFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Items whose scheduled retry is due (status pending, {@code next_attempt_at} passed) of executions whose run is over
 * ({@code retrying}), as one run per execution: the retry-schedule route (routes/recovery.camel.yaml) applies each
 * run's items as a page and settles the execution. An execution being run already is left for the next round.
 */
@Component("retrySchedule")
public class RetrySchedule {
    private static final Logger LOG = LoggerFactory.getLogger(RetrySchedule.class);
    private final JdbcTemplate jdbc;
    private final Backlog backlog;
    private final Leases leases;
    private final WorkItems workItems;
    private final int pageSize;

    public RetrySchedule(JdbcTemplate jdbc, Backlog backlog, Leases leases, WorkItems workItems,
                         @Value("${router.fanout.page-size}") int pageSize) {
        this.jdbc = jdbc;
        this.backlog = backlog;
        this.leases = leases;
        this.workItems = workItems;
        this.pageSize = Math.max(1, pageSize);
    }

    /** One execution's due items, with what settling it needs (its channels for the outbox, its job id). */
    public record RetryRun(String executionUid, List<String> channels, String jobId, Page page) {
    }

    /**
     * The due runs, each claimed (its lease is given back when it settles). Only executions whose run is over
     * ({@code retrying}) have their items retried here; a run still under way, or scheduled to run again, settles its
     * own items. The claim checks the status under the row's lock, so a run that another instance, or this one,
     * settled meanwhile is not repeated.
     */
    public List<RetryRun> due() {
        Timestamp now = Timestamp.from(Instant.now());
        List<UUID> executions = leases.claimExecutions("status = 'retrying' and exists (select 1 from execution_item i"
                + " where i.execution_uid = execution.uid and i.status = 'pending' and i.next_attempt_at <= ?)",
                "created_at", pageSize, now);
        List<RetryRun> runs = new ArrayList<>();
        for (UUID uid : executions) {
            try {
                List<WorkItem> items = jdbc.query("select i.type, i.content_type_uid, i.uid, i.locale, i.environment,"
                        + " i.environment_uid, i.action, i.version, i.title, i.event_time from execution_item i"
                        + " where i.execution_uid = ? and i.status = 'pending' and i.next_attempt_at <= ?"
                        + " order by i.next_attempt_at limit ?", (rs, n) -> workItem(rs), uid, now, pageSize);
                if (items.isEmpty()) {
                    // an operator's retry or a settlement took them meanwhile
                    leases.releaseHeld(uid.toString());
                    continue;
                }
                runs.add(run(uid, items));
            } catch (RuntimeException e) {
                // an execution that cannot be read or rebuilt must not hold its lease, nor the other due runs back
                leases.releaseHeld(uid.toString());
                LOG.warn("Execution {}: its scheduled retry could not be prepared: {}", uid, e.toString());
            }
        }
        return runs;
    }

    private RetryRun run(UUID uid, List<WorkItem> items) {
        Backlog.Stored stored = backlog.stored(uid);
        if (Sources.CONTENTFUL.equals(stored.source())) {
            // its items are fetched again as they are; nothing of them is in the payload
            return new RetryRun(uid.toString(), stored.channels(), null, Page.retry(items));
        }
        EventFacts facts = EventFacts.of(stored.body());
        List<WorkItem> retried = items;
        if (facts.module() != EventFacts.Module.JOB && facts.module() != EventFacts.Module.RELEASE) {
            // a single event's item is rebuilt from the event, so a full payload is applied as it came
            WorkItem fromEvent = workItems.fromEvent(stored.body());
            retried = items.stream().map(i -> i.resultKey().equals(fromEvent.resultKey()) ? fromEvent : i).toList();
        }
        return new RetryRun(uid.toString(), stored.channels(), facts.jobId(), Page.retry(retried));
    }

    private static WorkItem workItem(ResultSet rs) throws SQLException {
        Object version = rs.getObject("version");
        return new WorkItem(rs.getString("type"), rs.getString("content_type_uid"), rs.getString("uid"),
                rs.getString("locale"), rs.getString("environment"), rs.getString("environment_uid"),
                rs.getString("action"), version == null ? null : ((Number) version).intValue(), rs.getString("title"),
                null, rs.getTimestamp("event_time").toInstant());
    }
}
