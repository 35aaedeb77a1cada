package io.cmsrouter.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @Test
    void aDurationIsShownAsTheSettingsWriteIt() {
        assertThat(Durations.simple(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.simple(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.simple(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.simple(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
