package io.cmsrouter.common;

import org.springframework.boot.convert.DurationStyle;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Durations shown as the settings write them: 5m, 1h, 30s, 500ms. */
public final class Durations {
    private Durations() {
    }

    public static String simple(Duration d) {
        for (ChronoUnit unit : List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS)) {
            if (!d.isZero() && d.toNanos() % unit.getDuration().toNanos() == 0) {
                return DurationStyle.SIMPLE.print(d, unit);
            }
        }
        return DurationStyle.SIMPLE.print(d, ChronoUnit.MILLIS);
    }
}
