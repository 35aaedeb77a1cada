package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The routers sharing the database, as GET /admin/cluster shows them, and the instance each execution came in at. */
class ClusterTest extends RouterHttpTest {

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void instance(DynamicPropertyRegistry registry) {
        registry.add("router.instance-id", () -> "router-a");
        registry.add("router.cluster.heartbeat-interval", () -> "200ms");
    }

    @Test
    void thisInstanceIsLiveAndNamesTheExecutionsItReceives() {
        JsonNode execution = deliverAndSettle(fixture("entry-update.json"));
        assertThat(execution.path("received_by").asText()).isEqualTo("router-a");

        Instant before = Instant.now();
        JsonNode self = await().atMost(Duration.ofSeconds(10)).until(() -> instance("router-a"),
                i -> i != null && !Instant.parse(i.path("heartbeat_at").asText()).isBefore(before));
        assertThat(self.path("live").asBoolean()).isTrue();
        JsonNode cluster = read(get("/admin/cluster").body());
        assertThat(cluster.path("instance_id").asText()).isEqualTo("router-a");
        assertThat(cluster.path("heartbeat_interval").asText()).isEqualTo("200ms");
        assertThat(cluster.path("lease_duration").asText()).isEqualTo("30s");
        // a settled execution gave its lease back
        assertThat(jdbc.queryForObject("select count(*) from execution where uid = ? and leased_by is null",
                Integer.class, UUID.fromString(execution.path("uid").asText()))).isEqualTo(1);
    }

    /**
     * An instance dies holding an execution it had not finished: it is shown holding it until the lease runs out,
     * and then this instance takes it over and runs it, without the dead one coming back.
     */
    @Test
    void aDeadInstancesWorkIsTakenOverOnceItsLeaseExpires() {
        JsonNode first = deliverAndSettle(fixture("entry-update.json"));
        UUID uid = UUID.fromString(first.path("uid").asText());
        Timestamp longAgo = Timestamp.from(Instant.now().minusSeconds(60));
        jdbc.update("insert into router_instance (instance_id, started_at, heartbeat_at) values (?, ?, ?)",
                "router-gone", longAgo, longAgo);
        Instant expiry = Instant.now().plusSeconds(2);
        // the dead instance had it under way: received again, leased for two more seconds
        jdbc.update("update execution set status = 'received', leased_by = 'router-gone', lease_until = ?,"
                + " updated_at = ? where uid = ?", Timestamp.from(expiry), longAgo, uid);

        JsonNode gone = instance("router-gone");
        assertThat(gone.path("live").asBoolean()).isFalse();
        assertThat(gone.path("holds").path("executions").asInt()).isEqualTo(1);
        assertThat(execution(uid.toString()).path("status").asText()).isEqualTo("received");

        JsonNode after = await().atMost(Duration.ofSeconds(15)).until(() -> execution(uid.toString()),
                e -> first.path("status").asText().equals(e.path("status").asText()));
        assertThat(Instant.now()).isAfterOrEqualTo(expiry);
        assertThat(Instant.parse(after.path("updated_at").asText())).isAfterOrEqualTo(expiry);
        assertThat(instance("router-gone").path("holds").path("executions").asInt()).isZero();
    }

    private JsonNode instance(String id) {
        for (JsonNode instance : read(get("/admin/cluster").body()).path("instances")) {
            if (id.equals(instance.path("instance_id").asText())) {
                return instance;
            }
        }
        return null;
    }
}
