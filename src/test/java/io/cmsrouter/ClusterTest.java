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
        assertThat(self.path("holds").path("executions").asInt()).isGreaterThanOrEqualTo(0);
        JsonNode cluster = read(get("/admin/cluster").body());
        assertThat(cluster.path("instance_id").asText()).isEqualTo("router-a");
        assertThat(cluster.path("heartbeat_interval").asText()).isEqualTo("200ms");
    }

    @Test
    void anInstanceWhoseHeartbeatsStoppedIsNotLive() {
        Timestamp longAgo = Timestamp.from(Instant.now().minusSeconds(60));
        jdbc.update("insert into router_instance (instance_id, started_at, heartbeat_at, holds) values (?, ?, ?, ?)",
                "router-gone", longAgo, longAgo, 3);

        JsonNode gone = instance("router-gone");

        assertThat(gone.path("live").asBoolean()).isFalse();
        assertThat(gone.path("holds").path("executions").asInt()).isEqualTo(3);
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
