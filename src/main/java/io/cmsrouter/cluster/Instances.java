package io.cmsrouter.cluster;

import io.cmsrouter.common.Durations;
import io.cmsrouter.store.Claims;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routers sharing this database (table router_instance): each says it is alive every
 * {@code router.cluster.heartbeat-interval}, with how many executions it holds, and leaves on a clean shutdown. An
 * instance that missed {@value #MISSED} heartbeats is not live.
 */
@Component("instances")
public class Instances {
    private static final Logger LOG = LoggerFactory.getLogger(Instances.class);
    static final int MISSED = 3;

    private final JdbcTemplate jdbc;
    private final InstanceId self;
    private final Claims claims;
    private final Duration heartbeat;
    private final Instant startedAt = Instant.now();

    public Instances(JdbcTemplate jdbc, InstanceId self, Claims claims,
                     @Value("${router.cluster.heartbeat-interval}") Duration heartbeat) {
        this.jdbc = jdbc;
        this.self = self;
        this.claims = claims;
        this.heartbeat = heartbeat;
        LOG.info("Instance {}", self);
    }

    /** This instance is alive, and holds what it holds now. */
    public void beat() {
        Timestamp now = Timestamp.from(Instant.now());
        if (jdbc.update("update router_instance set heartbeat_at = ?, holds = ? where instance_id = ?", now,
                claims.size(), self.id()) == 0) {
            jdbc.update("insert into router_instance (instance_id, started_at, heartbeat_at, holds) values (?, ?, ?, ?)",
                    self.id(), Timestamp.from(startedAt), now, claims.size());
        }
    }

    /** GET /admin/cluster: this instance, and every instance that has beaten, live or not, newest first. */
    public Map<String, Object> list() {
        Instant liveSince = Instant.now().minus(heartbeat.multipliedBy(MISSED));
        List<Map<String, Object>> instances = jdbc.query("select * from router_instance order by started_at desc",
                (rs, n) -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    Instant beat = rs.getTimestamp("heartbeat_at").toInstant();
                    v.put("instance_id", rs.getString("instance_id"));
                    v.put("live", !beat.isBefore(liveSince));
                    v.put("started_at", rs.getTimestamp("started_at").toInstant().toString());
                    v.put("heartbeat_at", beat.toString());
                    v.put("holds", Map.of("executions", rs.getInt("holds")));
                    return v;
                });
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("instance_id", self.id());
        view.put("heartbeat_interval", Durations.simple(heartbeat));
        view.put("instances", instances);
        return view;
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
