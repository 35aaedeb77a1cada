package io.cmsrouter.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.reconcile.Checkpoints.Window;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The windows of the executions log a run reads, from the checkpoint (the reconcile_checkpoint table, on H2). */
class CheckpointsTest {
    private static final Instant NOW = Instant.parse("2026-11-03T16:30:00Z");

    private JdbcTemplate jdbc;
    private Checkpoints checkpoints;
    private final ObjectNode webhook = new ObjectMapper().createObjectNode().put("uid", "cs1")
            .put("created_at", "2026-11-03T12:10:00.000Z");

    @BeforeEach
    void database() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        jdbc = new JdbcTemplate(h2);
        jdbc.execute("create table reconcile_checkpoint (webhook_uid varchar(128) primary key,"
                + " read_to timestamp with time zone not null)");
        checkpoints = new Checkpoints(jdbc, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void theFirstRunReadsFromTheWebhooksCreationAnHourAtATime() {
        Run run = new Run(1, NOW);

        List<Window> windows = checkpoints.windows(webhook, run);

        assertThat(windows).hasSize(5);
        assertThat(windows.get(0)).isEqualTo(new Window(Instant.parse("2026-11-03T12:10:00Z"),
                Instant.parse("2026-11-03T13:10:00Z")));
        assertThat(windows.get(4).to()).isEqualTo(NOW);
        assertThat(run.windowFrom).isEqualTo(Instant.parse("2026-11-03T12:10:00Z"));
        assertThat(run.errors).isEmpty();
    }

    @Test
    void aRunStartsTwoMinutesBeforeTheCheckpointTheLastWindowLeft() {
        Run run = new Run(1, NOW);
        run.webhookUid = "cs1";
        checkpoints.advance(new Window(NOW.minusSeconds(600), NOW.minusSeconds(300)), run);

        List<Window> windows = checkpoints.windows(webhook, new Run(2, NOW));

        assertThat(windows).containsExactly(new Window(NOW.minusSeconds(300).minus(Duration.ofMinutes(2)), NOW));
        assertThat(checkpoints.checkpoint("cs1")).isEqualTo(NOW.minusSeconds(300));
    }

    @Test
    void aCheckpointOlderThanContentstacksLogLosesTheSpanBetweenAndSaysSo() {
        Run earlier = new Run(1, NOW);
        earlier.webhookUid = "cs1";
        checkpoints.advance(new Window(NOW.minus(Duration.ofDays(41)), NOW.minus(Duration.ofDays(40))), earlier);
        Run run = new Run(2, NOW);

        List<Window> windows = checkpoints.windows(webhook, run);

        assertThat(windows.get(0).from()).isEqualTo(NOW.minus(Checkpoints.LOG_KEPT));
        assertThat(run.errors).singleElement().asString().contains("past Contentstack's 30-day log");
    }

    @Test
    void aWebhookMadeAgainIsReadFromItsCreationAndTheOldCheckpointIsDropped() {
        Run earlier = new Run(1, NOW);
        earlier.webhookUid = "cs0old";
        checkpoints.advance(new Window(NOW.minusSeconds(7200), NOW.minusSeconds(3600)), earlier);
        Run run = new Run(2, NOW);

        List<Window> windows = checkpoints.windows(webhook, run);

        assertThat(windows.get(0).from()).isEqualTo(Instant.parse("2026-11-03T12:10:00Z"));
        assertThat(run.errors).singleElement().asString().contains("cs0old").contains("cannot be read");
        assertThat(checkpoints.checkpoint("cs0old")).isNull();
    }

    @Test
    void nothingToReadWhenTheCheckpointIsNow() {
        assertThat(Checkpoints.split(NOW, NOW)).isEmpty();
    }
}
