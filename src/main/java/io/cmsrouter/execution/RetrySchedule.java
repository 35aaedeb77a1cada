package io.cmsrouter.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.content.Page;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.content.WorkItems;
import io.cmsrouter.webhook.Channels;
import io.cmsrouter.webhook.EventFacts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Items whose scheduled retry is due (status pending, {@code next_attempt_at} passed), as one run per execution:
 * the retry-schedule route (routes/recovery.camel.yaml) applies each run's items as a page and settles the
 * execution. An execution being run already (its own fan-out, or a previous retry) is left for the next round.
 */
@Component("retrySchedule")
public class RetrySchedule {
    private final JdbcTemplate jdbc;
    private final Backlog backlog;
    private final WorkItems workItems;
    private final Channels channels;
    private final int pageSize;

    public RetrySchedule(JdbcTemplate jdbc, Backlog backlog, WorkItems workItems, Channels channels,
                         @Value("${router.fanout.page-size}") int pageSize) {
        this.jdbc = jdbc;
        this.backlog = backlog;
        this.workItems = workItems;
        this.channels = channels;
        this.pageSize = Math.max(1, pageSize);
    }

    /** One execution's due items, with what settling it needs (its channels for the outbox, its job id). */
    public record RetryRun(String executionUid, List<String> channels, String jobId, Page page) {
    }

    /** The due runs, each claimed (released when it settles). */
    public List<RetryRun> due() {
        Map<UUID, List<WorkItem>> byExecution = new LinkedHashMap<>();
        jdbc.query("select execution_uid, type, content_type_uid, uid, locale, environment, environment_uid, action,"
                        + " version, title, event_time from execution_item where status = 'pending'"
                        + " and next_attempt_at <= ? order by next_attempt_at limit ?",
                rs -> {
                    UUID execution = rs.getObject("execution_uid", UUID.class);
                    List<WorkItem> items = byExecution.computeIfAbsent(execution, e -> new ArrayList<>());
                    if (items.size() < pageSize) {
                        items.add(workItem(rs));
                    }
                }, Timestamp.from(Instant.now()), pageSize * 10);
        List<RetryRun> runs = new ArrayList<>();
        byExecution.forEach((uid, items) -> {
            if (backlog.claim(uid.toString())) {
                runs.add(run(uid, items));
            }
        });
        return runs;
    }

    private RetryRun run(UUID uid, List<WorkItem> items) {
        byte[] body = jdbc.queryForObject("select body from webhook_event where execution_uid = ?", byte[].class, uid);
        JsonNode event = backlog.parse(body);
        EventFacts facts = EventFacts.of(event);
        List<WorkItem> retried = items;
        if (facts.module() != EventFacts.Module.JOB && facts.module() != EventFacts.Module.RELEASE) {
            // a single event's item is rebuilt from the event, so a full payload is applied as it came
            WorkItem fromEvent = workItems.fromEvent(event);
            retried = items.stream().map(i -> i.resultKey().equals(fromEvent.resultKey()) ? fromEvent : i).toList();
        }
        return new RetryRun(uid.toString(), channels.derive(facts), facts.jobId(),
                Page.of(retried));
    }

    private static WorkItem workItem(ResultSet rs) throws SQLException {
        Object version = rs.getObject("version");
        return new WorkItem(rs.getString("type"), rs.getString("content_type_uid"), rs.getString("uid"),
                rs.getString("locale"), rs.getString("environment"), rs.getString("environment_uid"),
                rs.getString("action"), version == null ? null : ((Number) version).intValue(), rs.getString("title"),
                null, rs.getTimestamp("event_time").toInstant());
    }
}
