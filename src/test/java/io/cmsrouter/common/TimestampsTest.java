package io.cmsrouter.common;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fast path reads what Instant.parse reads, and hands it everything else. */
class TimestampsTest {

    @Test
    void readsWhatInstantParseReads() {
        for (String text : List.of("2026-03-25T10:00:00Z", "2026-03-25T10:00:00.1Z", "2026-03-25T10:00:00.123Z",
                "2026-11-30T01:02:03.123456Z", "2024-02-29T23:59:59.999999999Z", "2026-03-25T10:00:00+01:00",
                "2026-03-25T10:00:00.5-05:30",
                "2026-03-25T10:00:00.Z")) {
            assertThat(Timestamps.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String text : List.of("", "2026-13-25T10:00:00Z", "2026-02-30T10:00:00.000Z", "2026-03-25 10:00:00Z",
                "x026-03-25T10:00:00.000Z", "2026-03-25T10:00:00.0000000000Z")) {
            assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
