package io.cmsrouter.cluster;

import io.cmsrouter.common.Durations;
import io.cmsrouter.store.SqlDialect;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routers sharing this database (table router_instance): each says it is alive every
 * {@code router.cluster.heartbeat-interval} and leaves on a clean shutdown. An instance that missed {@value #MISSED}
 * heartbeats is not live. What each holds is read from the leases ({@link Leases}).
 */
@Component("instances")
public class Instances {
    private static final Logger LOG = LoggerFactory.getLogger(Instances.class);
    static final int MISSED = 3;

    private final JdbcTemplate jdbc;
    private final InstanceId self;
    private final Duration heartbeat;
    private final Duration leaseDuration;
    private final Instant startedAt = Instant.now();
    private volatile int live = 1;

    private final boolean shared;

    public Instances(JdbcTemplate jdbc, InstanceId self, SqlDialect dialect,
                     @Value("${router.cluster.heartbeat-interval}") Duration heartbeat,
                     @Value("${router.cluster.lease-duration}") Duration leaseDuration) {
        this.jdbc = jdbc;
        this.self = self;
        this.shared = dialect.shared();
        this.heartbeat = heartbeat;
        this.leaseDuration = leaseDuration;
        LOG.info("Instance {}", self);
    }

    /** This instance is alive; and how many are, counting it. */
    public void beat() {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("update router_instance set heartbeat_at = ? where instance_id = ?", now, self.id()) == 0) {
            jdbc.update("insert into router_instance (instance_id, started_at, heartbeat_at) values (?, ?, ?)",
                    self.id(), Timestamp.from(startedAt), now);
        }
        if (shared) {
            // in embedded H2 a killed run's row may still look live after a quick restart; nobody else can be
            Integer counted = jdbc.queryForObject("select count(*) from router_instance where heartbeat_at >= ?",
                    Integer.class, liveSince());
            live = Math.max(1, counted == null ? 1 : counted);
        }
    }

    /** The live instances as of this one's last heartbeat, itself included. */
    public int live() {
        return live;
    }

    private Timestamp liveSince() {
        return Timestamp.from(Instant.now().minus(heartbeat.multipliedBy(MISSED)));
    }

    /** GET /admin/cluster: this instance, and every instance that has beaten, live or not, newest first. */
    public Map<String, Object> list() {
        Instant liveSince = liveSince().toInstant();
        Timestamp now = Timestamp.from(Instant.now());
        Map<String, Integer> executions = leasesBy("execution", now);
        Map<String, Integer> notifications = leasesBy("notification", now);
        List<Map<String, Object>> instances = jdbc.query("select * from router_instance order by started_at desc",
                (rs, n) -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    String id = rs.getString("instance_id");
                    Instant beat = rs.getTimestamp("heartbeat_at").toInstant();
                    v.put("instance_id", id);
                    v.put("live", !beat.isBefore(liveSince));
                    v.put("started_at", rs.getTimestamp("started_at").toInstant().toString());
                    v.put("heartbeat_at", beat.toString());
                    v.put("holds", Map.of("executions", executions.getOrDefault(id, 0),
                            "notifications", notifications.getOrDefault(id, 0)));
                    return v;
                });
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("instance_id", self.id());
        view.put("heartbeat_interval", Durations.simple(heartbeat));
        view.put("lease_duration", Durations.simple(leaseDuration));
        view.put("instances", instances);
        return view;
    }

    /** Unexpired leases per holder: what each instance is working on (a dead one's, until they run out). */
    private Map<String, Integer> leasesBy(String table, Timestamp now) {
        Map<String, Integer> held = new HashMap<>();
        jdbc.query("select leased_by, count(*) from " + table + " where leased_by is not null and lease_until >= ?"
                + " group by leased_by", rs -> {
            held.put(rs.getString(1), rs.getInt(2));
        }, now);
        return held;
    }

    /** A clean shutdown: this instance is gone at once rather than when its heartbeats stop. */
    @PreDestroy
    public void leave() {
        try {
            jdbc.update("delete from router_instance where instance_id = ?", self.id());
        } catch (RuntimeException e) {
            LOG.debug("Instance {} could not say it left: {}", self, e.toString());
        }
    }
}
