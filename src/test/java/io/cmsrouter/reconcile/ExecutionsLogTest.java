package io.cmsrouter.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.intake.IntakeJournal.Recovery;
import io.cmsrouter.reconcile.ExecutionsLog.FailedExecution;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading "Get executions of a webhook" and "Get latest execution log" as seed 004 shows them. */
class ExecutionsLogTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutionsLog log = new ExecutionsLog(mapper);

    @Test
    void successIsAStatusOf200To399AndEverythingElseFailed() {
        assertThat(ExecutionsLog.failed(execution("200"))).isFalse();
        assertThat(ExecutionsLog.failed(execution("302"))).isFalse();
        assertThat(ExecutionsLog.failed(execution("\"202\""))).isFalse();
        assertThat(ExecutionsLog.failed(execution("null"))).isTrue();
        assertThat(ExecutionsLog.failed(execution("403"))).isTrue();
        assertThat(ExecutionsLog.failed(execution("503"))).isTrue();
        assertThat(ExecutionsLog.failed(mapper.createObjectNode())).isTrue();
    }

    @Test
    void theSeedsResetExecutionGivesTheBodyItsFirstAttemptSent() throws IOException {
        JsonNode execution = fixture("entry-update-executions.json");

        FailedExecution failed = log.failedExecution(execution);

        assertThat(ExecutionsLog.failed(execution)).isTrue();
        assertThat(failed.problem()).isNull();
        assertThat(failed.recovery()).isEqualTo(new Recovery("cs0e23e5-3c3f-41a2-b0ac-5b0000000025",
                Instant.parse("2024-07-25T08:48:46.861Z")));
        JsonNode event = failed.event();
        assertThat(event.path("module").asText()).isEqualTo("entry");
        assertThat(event.path("event").asText()).isEqualTo("update");
        assertThat(event.path("data").path("entry").path("_version").asInt()).isEqualTo(44);
        assertThat(event.path("data").path("entry").path("title").asText()).isEqualTo("test 19");
        assertThat(event.path("triggered_at").asText()).isEqualTo("2024-07-25T08:48:46.861Z");
        assertThat(failed.headers()).containsKey("X-Contentstack-Request-Signature");
    }

    @Test
    void withOnlyALaterAttemptOnRecordTheFirstWasSentBeforeTheExecutionWasLogged() throws IOException {
        // an execution's log holds its latest attempt (retry 3, sent at 09:27:03); it was logged at 09:24:27
        FailedExecution failed = log.failedExecution(fixture("asset-update-log.json"));

        assertThat(failed.recovery().firstSentAt()).isEqualTo(Instant.parse("2024-07-26T09:23:57.347Z"));
        assertThat(failed.event().path("data").path("asset").path("_version").asInt()).isEqualTo(2);
        assertThat(failed.event().path("triggered_at").asText()).isEqualTo("2024-07-26T09:23:57.347Z");
    }

    @Test
    void withoutAttemptsEventDataIsTheEventAndWithoutATimeNothingIsRecovered() {
        ObjectNode bare = mapper.createObjectNode().put("uid", "cs1").put("created_at", "2024-07-25T08:48:56.919Z");
        bare.putNull("status");
        bare.putObject("event_data").put("module", "entry").put("event", "publish");

        FailedExecution failed = log.failedExecution(bare);

        assertThat(failed.recovery().firstSentAt()).isEqualTo(Instant.parse("2024-07-25T08:48:26.919Z"));
        assertThat(failed.event().path("module").asText()).isEqualTo("entry");
        bare.remove("created_at");
        assertThat(log.failedExecution(bare).problem()).isEqualTo("no time on record for its first attempt");
        bare.remove("event_data");
        bare.put("created_at", "2024-07-25T08:48:56.919Z");
        assertThat(log.failedExecution(bare).event()).isNull();
    }

    @Test
    void aWindowsFailedExecutionsAreRecoveredOldestFirst() {
        FailedExecution newer = new FailedExecution(new Recovery("cs2", Instant.parse("2024-07-25T09:00:00Z")), null,
                Map.of(), null);
        FailedExecution older = new FailedExecution(new Recovery("cs1", Instant.parse("2024-07-25T08:00:00Z")), null,
                Map.of(), null);

        assertThat(log.oldestFirst(List.of(newer, older))).containsExactly(older, newer);
    }

    private JsonNode execution(String status) {
        try {
            return mapper.readTree("{\"uid\": \"cs1\", \"status\": " + status + "}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Seed 004's samples (shortened): the list's first execution, or the log's one. */
    private JsonNode fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/executions/" + name)) {
            JsonNode sample = mapper.readTree(in);
            return sample.has("webhooks") ? sample.path("webhooks").path(0) : sample.path("webhook");
        }
    }
}
