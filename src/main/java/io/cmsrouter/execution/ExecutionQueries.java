package io.cmsrouter.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.contentstack.JobProgress;
import io.cmsrouter.common.NotFoundException;
import io.cmsrouter.downstream.Outbox;
import io.cmsrouter.security.Redactor;
import io.cmsrouter.store.Uuids;
import io.cmsrouter.source.Sources;
import io.cmsrouter.webhook.Channels;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The executions as the HTTP API shows them, shaped after Contentstack's "Get executions of a webhook". The event is
 * stored once, as it arrived; it is redacted here, when it is served, and its channels are derived from it.
 */
@Component("executionQueries")
public class ExecutionQueries {
    public static final int MAX_LIMIT = 100;
    private static final String SELECT = "select e.*, w.headers, w.body from execution e"
            + " join webhook_event w on w.execution_uid = e.uid";

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Redactor redactor;
    private final Sources sources;
    private final Outbox outbox;
    private final JobProgress jobProgress;
    private final Channels channels;

    public ExecutionQueries(JdbcTemplate jdbc, ObjectMapper mapper, Redactor redactor, Sources sources,
                            Outbox outbox, JobProgress jobProgress, Channels channels) {
        this.channels = channels;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.redactor = redactor;
        this.sources = sources;
        this.outbox = outbox;
        this.jobProgress = jobProgress;
    }

    public Map<String, Object> list(@Header("from") String from, @Header("to") String to,
                                    @Header("status") String status, @Header("query") String query,
                                    @Header("source") String source, @Header("recovered") String recovered,
                                    @Header("channel") String channel, @Header("skip") String skip,
                                    @Header("limit") String limit) {
        int effectiveSkip = number("skip", skip, 0, 0, Integer.MAX_VALUE);
        int effectiveLimit = number("limit", limit, MAX_LIMIT, 1, MAX_LIMIT);
        StringBuilder where = new StringBuilder(" where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (from != null) {
            where.append(" and e.created_at >= ?");
            args.add(timestamp("from", from));
        }
        if (to != null) {
            where.append(" and e.created_at <= ?");
            args.add(timestamp("to", to));
        }
        if (status != null) {
            List<String> statuses = List.of(status.split(","));
            where.append(" and e.status in (").append(String.join(", ", Collections.nCopies(statuses.size(), "?")))
                    .append(")");
            args.addAll(statuses.stream().map(String::trim).toList());
        }
        if (source != null) {
            where.append(" and e.source = ?");
            args.add(source.trim());
        }
        if (recovered != null) {
            where.append(" and e.recovered_from is ").append(flag("recovered", recovered) ? "not null" : "null");
        }
        if (query != null) {
            StatusCodes.Range range = StatusCodes.parseQuery(query, mapper);
            where.append(" and ").append(StatusCodes.sql("e.status")).append(" between ? and ?");
            args.add(range.min());
            args.add(range.max());
        }
        String newestFirst = SELECT + where + " order by e.created_at desc, e.uid";
        List<Map<String, Object>> executions;
        long count;
        Long scanned = null;
        if (channel != null && !channel.isBlank()) {
            ChannelScan.Result scan = ChannelScan.page(jdbc, newestFirst, args, (rs, n) -> view(rs), channels,
                    channel.trim(), effectiveSkip, effectiveLimit);
            executions = scan.page();
            count = scan.matched();
            scanned = scan.scanned();
        } else {
            count = jdbc.queryForObject("select count(*) from execution e" + where, Long.class, args.toArray());
            List<Object> pageArgs = new ArrayList<>(args);
            pageArgs.add(effectiveLimit);
            pageArgs.add(effectiveSkip);
            executions = jdbc.query(newestFirst + " limit ? offset ?", (rs, n) -> view(rs), pageArgs.toArray());
        }
        for (Map<String, Object> execution : executions) {
            execution.put("summary", summary((UUID) execution.remove("_uid")));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("executions", executions);
        page.put("skip", effectiveSkip);
        page.put("limit", effectiveLimit);
        page.put("count", count);
        if (scanned != null) {
            page.put("scanned", scanned);
        }
        return page;
    }

    /** One execution with every item result and every downstream notification. */
    public Map<String, Object> get(@Header("executionUid") String executionUid) {
        UUID uid = Uuids.parseOrNull(executionUid);
        List<Map<String, Object>> found = uid == null ? List.of()
                : jdbc.query(SELECT + " where e.uid = ?", (rs, n) -> view(rs), uid);
        if (found.isEmpty()) {
            throw new ExecutionNotFoundException(executionUid);
        }
        Map<String, Object> execution = found.get(0);
        execution.remove("_uid");
        execution.put("summary", summary(uid));
        if (execution.get("job_id") != null) {
            execution.put("pages", jobProgress.view(uid));
        }
        execution.put("items", jdbc.query("select * from execution_item where execution_uid = ? order by updated_at,"
                + " item_key", (rs, n) -> itemView(rs), uid));
        execution.put("notifications", outbox.ofExecution(uid));
        return execution;
    }

    private Map<String, Object> summary(UUID uid) {
        Map<String, Object> summary = new LinkedHashMap<>();
        jdbc.query("select status, count(*) as n, coalesce(sum(attempts), 0) as attempts from execution_item"
                + " where execution_uid = ? group by status", rs -> {
            summary.put(rs.getString("status"), rs.getLong("n"));
            summary.merge("attempts", rs.getLong("attempts"), (a, b) -> (Long) a + (Long) b);
        }, uid);
        return summary;
    }

    private Map<String, Object> view(ResultSet rs) throws SQLException {
        JsonNode event = tree(rs.getBytes("body"));
        Map<String, Object> v = new LinkedHashMap<>();
        UUID uid = rs.getObject("uid", UUID.class);
        v.put("_uid", uid);
        v.put("uid", uid.toString());
        v.put("source", rs.getString("source"));
        v.put("channel", sources.channels(rs.getString("source"), rs.getString("module"), rs.getString("event"), event));
        v.put("created_at", iso(rs.getTimestamp("created_at")));
        v.put("updated_at", iso(rs.getTimestamp("updated_at")));
        v.put("status", rs.getString("status"));
        v.put("status_code", StatusCodes.of(rs.getString("status")));
        v.put("module", rs.getString("module"));
        v.put("event", rs.getString("event"));
        v.put("job_id", rs.getString("job_id"));
        v.put("error", rs.getString("error"));
        v.put("attempts", rs.getInt("attempts"));
        v.put("next_attempt_at", iso(rs.getTimestamp("next_attempt_at")));
        v.put("event_data", redactor.payload(event));
        v.put("event_headers", tree(rs.getBytes("headers")));
        // read from Contentstack's executions log by the reconciliation rather than delivered (README "Connecting a stack")
        v.put("recovered", rs.getString("recovered_from") != null);
        v.put("recovered_from", rs.getString("recovered_from"));
        v.put("received_by", rs.getString("received_by"));
        return v;
    }

    private static Map<String, Object> itemView(ResultSet rs) throws SQLException {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("type", rs.getString("type"));
        v.put("content_type_uid", rs.getString("content_type_uid"));
        v.put("uid", rs.getString("uid"));
        v.put("locale", rs.getString("locale"));
        String environment = rs.getString("environment");
        v.put("environment", environment != null ? environment : rs.getString("environment_uid"));
        v.put("action", rs.getString("action"));
        v.put("version", rs.getObject("version"));
        v.put("status", rs.getString("status"));
        v.put("attempts", rs.getInt("attempts"));
        v.put("error", rs.getString("error"));
        v.put("next_attempt_at", iso(rs.getTimestamp("next_attempt_at")));
        v.put("title", rs.getString("title"));
        v.put("url", rs.getString("url"));
        v.put("updated_at", iso(rs.getTimestamp("updated_at")));
        return v;
    }

    private JsonNode tree(byte[] json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored execution field is not JSON", e);
        }
    }

    static int number(String name, String value, int absent, int min, int max) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the accepted range
        }
        throw new IllegalArgumentException("'" + name + "' must be a whole number from " + min
                + (max == Integer.MAX_VALUE ? "" : " to " + max) + ", not '" + value + "'");
    }

    private static boolean flag(String name, String value) {
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + name + "' must be true or false");
        };
    }

    private static Timestamp timestamp(String name, String iso) {
        try {
            return Timestamp.from(OffsetDateTime.parse(iso).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Timestamp.from(LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notADate) {
                throw new IllegalArgumentException("'" + name + "' must be an ISO date or date-time");
            }
        }
    }

    static String iso(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    public static class ExecutionNotFoundException extends NotFoundException {
        public ExecutionNotFoundException(String uid) {
            super("no execution with uid '" + uid + "'");
        }
    }
}
