package io.cmsrouter.reconcile;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcileRunsTest {

    @Test
    void theIntervalIsShownAsTheSettingsWriteIt() {
        assertThat(ReconcileRuns.human(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(ReconcileRuns.human(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(ReconcileRuns.human(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ReconcileRuns.human(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
