package io.cmsrouter.cluster;

import io.cmsrouter.store.SqlDialect;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The leases an instance holds outside its working life ({@link Leases}): those an earlier run of it left are given
 * back before it claims anything, and all it holds when it shuts down cleanly, so the others need not wait for them
 * to expire.
 */
@Component("staleLeases")
public class StaleLeases {
    private static final Logger LOG = LoggerFactory.getLogger(StaleLeases.class);
    /** Every table whose rows are leased. */
    private static final List<String> LEASED = List.of("execution", "notification", "cluster_task", "job_page");

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final InstanceId self;
    private final Duration heartbeat;

    public StaleLeases(JdbcTemplate jdbc, SqlDialect dialect, InstanceId self,
                       @Value("${router.cluster.heartbeat-interval}") Duration heartbeat) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.self = self;
        this.heartbeat = heartbeat;
    }

    /**
     * Leases left by an earlier run of this process are void: in embedded H2 all of them (only one process opens it),
     * in a shared database those in this instance's name (a restart under a fixed router.instance-id). Unless a
     * router under that name is still alive: then this one refuses to start rather than take its work.
     */
    @PostConstruct
    void dropStale() throws InterruptedException {
        if (dialect.shared()) {
            refuseTwin();
        }
        int dropped = dialect.shared() ? releaseEverywhere("leased_by = ?", self.id())
                : releaseEverywhere("leased_by is not null");
        if (dropped > 0) {
            LOG.info("{} leases left by an earlier run were given back", dropped);
        }
    }

    /**
     * A heartbeat under this name within the last intervals may be this router's own before a quick restart, or a
     * twin's: a twin beats again within two intervals.
     */
    private void refuseTwin() throws InterruptedException {
        Timestamp first = lastBeat();
        if (first == null || first.toInstant().isBefore(Instant.now().minus(heartbeat.multipliedBy(3)))) {
            return;
        }
        LOG.info("A router named {} beat {} ago; waiting to see whether it is alive", self.id(),
                Duration.between(first.toInstant(), Instant.now()));
        Thread.sleep(heartbeat.multipliedBy(2).toMillis());
        Timestamp again = lastBeat();
        if (again != null && again.after(first)) {
            throw new IllegalStateException("another router with router.instance-id '" + self.id() + "' is running on"
                    + " this database (its heartbeat is current): give each router its own ROUTER_INSTANCE_ID");
        }
    }

    private Timestamp lastBeat() {
        List<Timestamp> beats = jdbc.queryForList("select heartbeat_at from router_instance where instance_id = ?",
                Timestamp.class, self.id());
        return beats.isEmpty() ? null : beats.get(0);
    }

    /** A clean shutdown (after the routes have stopped): what this instance held is free for the others at once. */
    @PreDestroy
    void releaseAll() {
        try {
            releaseEverywhere("leased_by = ?", self.id());
        } catch (RuntimeException e) {
            LOG.debug("Leases could not be given back at shutdown ({}); they expire", e.toString());
        }
    }

    private int releaseEverywhere(String holders, Object... args) {
        int released = 0;
        for (String table : LEASED) {
            released += jdbc.update("update " + table + " set leased_by = null, lease_until = null where " + holders, args);
        }
        return released;
    }
}
