package io.cmsrouter.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks that one instance of the cluster runs at a time, such as syncing the router's webhook (two instances syncing
 * at once could each create it) and a reconciliation run (table cluster_task): taken under a lease like the work's
 * ({@link Leases}), renewed with the heartbeat while held, given back when done.
 */
@Component("taskLeases")
public class TaskLeases {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLeases.class);

    private final JdbcTemplate jdbc;
    private final Leases leases;
    private final Set<Object> held = ConcurrentHashMap.newKeySet();

    public TaskLeases(JdbcTemplate jdbc, Leases leases) {
        this.jdbc = jdbc;
        this.leases = leases;
    }

    /**
     * Takes a task; false while another instance holds it (or this one: the caller keeps its own callers apart).
     */
    public boolean tryHold(String task) {
        boolean taken = leases.claimRow("cluster_task", Map.of("name", task), "");
        if (taken) {
            held.add(task);
        }
        return taken;
    }

    /** The instance holding a task now, or null. */
    public String holderOf(String task) {
        List<String> holder = jdbc.queryForList("select leased_by from cluster_task where name = ? and lease_until >= ?",
                String.class, task, Timestamp.from(Instant.now()));
        return holder.isEmpty() ? null : holder.get(0);
    }

    public void release(String task) {
        held.remove(task);
        leases.releaseRow("cluster_task", Map.of("name", task));
    }

    /** Renews the tasks this instance holds (routes/cluster.camel.yaml, with each heartbeat). */
    public void renew() {
        try {
            leases.renewRows("cluster_task", "name", List.copyOf(held), leases.until());
        } catch (RuntimeException e) {
            LOG.warn("Task leases could not be renewed ({}); tried again with the next heartbeat", e.toString());
        }
    }
}
