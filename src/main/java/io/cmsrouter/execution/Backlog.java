package io.cmsrouter.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.cluster.Leases;
import io.cmsrouter.contentful.ContentfulFacts;
import io.cmsrouter.source.Sources;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.QueueReference;
import org.apache.camel.component.seda.SedaComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;

/**
 * The executions still to run. Accepted webhooks go straight to the dispatch queue ({@code seda:events}); when it is
 * full they wait here, on disk, and so do executions left unfinished by a previous run of the service and runs
 * scheduled again after a transient failure. The sweep (routes/recovery.camel.yaml) claims them ({@link Leases}) and
 * hands them to the queue as it frees up, oldest first.
 */
@Component("backlog")
public class Backlog {
    private static final Logger LOG = LoggerFactory.getLogger(Backlog.class);
    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final Sources sources;
    private final CamelContext camel;
    /** To run now: accepted or under way, and not waiting for a scheduled retry of the run. */
    private static final String DUE = "status in ('received', 'processing') and (next_attempt_at is null"
            + " or next_attempt_at <= ?)";

    private final int queueSize;
    private final Leases leases;

    public Backlog(JdbcTemplate jdbc, ObjectMapper mapper, Sources sources, CamelContext camel, Leases leases,
                   @Value("${router.dispatch.queue-size}") int queueSize) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.sources = sources;
        this.camel = camel;
        this.leases = leases;
        this.queueSize = queueSize;
    }

    /**
     * Claims (leases) and returns the oldest executions that are due to run and that no live instance holds, as many
     * as the dispatch queue has room for. Those another instance let expire are taken over here.
     */
    public List<String> due() {
        int room = queueSize - queued();
        if (room <= 0) {
            return List.of();
        }
        Timestamp now = Timestamp.from(Instant.now());
        // time-ordered uids: sorted, the oldest is handed over first
        return leases.claimExecutions(DUE, "created_at", room, now).stream().map(UUID::toString).sorted().toList();
    }

    private int queued() {
        BlockingQueue<Exchange> queue = dispatchQueue();
        return queue == null ? 0 : queue.size();
    }

    /**
     * Takes every event out of the dispatch queue and gives its execution back to the backlog, where the sweep finds
     * it again (a route reload, while the queue's consumer is replaced); how many.
     */
    public int handBackQueued() {
        BlockingQueue<Exchange> queue = dispatchQueue();
        List<Exchange> queued = new ArrayList<>();
        if (queue != null) {
            queue.drainTo(queued);
        }
        for (Exchange event : queued) {
            String uid = event.getProperty("executionUid", String.class);
            try {
                leases.release(uid, event.getProperty(Leases.LEASE_GIVEN_BACK, Boolean.class));
            } catch (RuntimeException e) {
                // its lease runs out unrenewed only at a restart: say which, so it can be found
                LOG.error("Execution {} could not be handed back to the backlog", uid, e);
            }
        }
        return queued.size();
    }

    private BlockingQueue<Exchange> dispatchQueue() {
        // the component keeps its queues by endpoint key
        QueueReference queue = camel.getComponent("seda", SedaComponent.class).getQueues().get("seda://events");
        return queue == null ? null : queue.getQueue();
    }

    /** A recorded execution as stored: where it came from, its event, and the channels derived from them. */
    record Stored(String source, String module, String event, JsonNode body, List<String> channels) {
    }

    Stored stored(UUID uid) {
        return jdbc.queryForObject("select e.source, e.module, e.event, w.body from execution e"
                + " join webhook_event w on w.execution_uid = e.uid where e.uid = ?", (rs, n) -> {
            JsonNode body = parse(rs.getBytes("body"));
            String source = rs.getString("source");
            String module = rs.getString("module");
            String event = rs.getString("event");
            return new Stored(source, module, event, body, sources.channels(source, module, event, body));
        }, uid);
    }

    /** Puts a recorded execution back on the exchange (event as body, uid and channels as properties) to run it. */
    public JsonNode reload(@Body String uid, Exchange exchange) {
        Stored stored = stored(UUID.fromString(uid));
        exchange.setProperty("executionUid", uid);
        exchange.setProperty("source", stored.source());
        if (Sources.CONTENTFUL.equals(stored.source())) {
            exchange.setProperty("topic", ContentfulFacts.topic(stored.module(), stored.event()));
        }
        exchange.setProperty("channels", stored.channels());
        return stored.body();
    }

    private JsonNode parse(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored webhook is not JSON", e);
        }
    }
}
