package io.cmsrouter.execution;

import io.cmsrouter.content.Page;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.content.WorkItems;
import io.cmsrouter.source.Sources;
import io.cmsrouter.store.Claims;
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
    private final Claims claims;
    private final WorkItems workItems;
    private final int pageSize;

    public RetrySchedule(JdbcTemplate jdbc, Backlog backlog, Claims claims, WorkItems workItems,
                         @Value("${router.fanout.page-size}") int pageSize) {
        this.jdbc = jdbc;
        this.backlog = backlog;
        this.claims = claims;
        this.workItems = workItems;
        this.pageSize = Math.max(1, pageSize);
    }

    /** One execution's due items, with what settling it needs (its channels for the outbox, its job id). */
    public record RetryRun(String executionUid, List<String> channels, String jobId, Page page) {
    }

    /**
     * The due runs, each claimed (released when it settles). Only executions whose run is over ({@code retrying})
     * have their items retried here; a run still under way, or scheduled to run again, settles its own items. The
     * items are read after the claim, so a run that ended meanwhile (it releases its claim after its results
     * commit) is not repeated.
     */
    public List<RetryRun> due() {
        Timestamp now = Timestamp.from(Instant.now());
        List<UUID> executions = jdbc.queryForList("select distinct i.execution_uid from execution_item i"
                + " join execution e on e.uid = i.execution_uid where e.status = 'retrying' and i.status = 'pending'"
                + " and i.next_attempt_at <= ? limit ?", UUID.class, now, pageSize);
        List<RetryRun> runs = new ArrayList<>();
        for (UUID uid : executions) {
            if (!claims.claim(uid.toString())) {
                continue;
            }
            List<WorkItem> items = jdbc.query("select i.type, i.content_type_uid, i.uid, i.locale, i.environment,"
                            + " i.environment_uid, i.action, i.version, i.title, i.event_time from execution_item i"
                            + " join execution e on e.uid = i.execution_uid where i.execution_uid = ?"
                            + " and e.status = 'retrying' and i.status = 'pending' and i.next_attempt_at <= ?"
                            + " order by i.next_attempt_at limit ?", (rs, n) -> workItem(rs), uid, now, pageSize);
            if (items.isEmpty()) {
                claims.release(uid.toString());
                continue;
            }
            try {
                runs.add(run(uid, items));
            } catch (RuntimeException e) {
                // an execution that cannot be rebuilt must not hold its claim, nor the other due runs back
                claims.release(uid.toString());
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
