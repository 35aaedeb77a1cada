package io.cmsrouter.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The durable schedule's waits: as long as the failure has lasted, bounded, jittered, until the horizon. */
class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(24));
    private final Instant start = Instant.parse("2026-11-29T12:00:00Z");

    private Duration waitAfter(Duration failingFor) {
        Instant now = start.plus(failingFor);
        return Duration.between(now, backoff.next(now, backoff.giveUpAt(start)).orElseThrow());
    }

    @Test
    void theFirstWaitIsTheFirstDelayThenWaitsDoubleUpToTheMaximum() {
        for (int i = 0; i < 200; i++) {
            assertThat(waitAfter(Duration.ZERO)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(36));
            assertThat(waitAfter(Duration.ofMinutes(4))).isBetween(Duration.ofSeconds(192), Duration.ofSeconds(288));
            assertThat(waitAfter(Duration.ofHours(5))).isBetween(Duration.ofMinutes(48), Duration.ofMinutes(72));
        }
    }

    @Test
    void aDayOfFailuresIsAboutThirtyAttempts() {
        Instant giveUpAt = backoff.giveUpAt(start);
        Instant now = start;
        int attempts = 0;
        for (Optional<Instant> next = backoff.next(now, giveUpAt); next.isPresent(); next = backoff.next(now, giveUpAt)) {
            now = next.get();
            attempts++;
        }
        assertThat(attempts).isBetween(25, 35);
        assertThat(now).isBefore(giveUpAt);
    }

    @Test
    void nothingIsScheduledPastTheHorizon() {
        Instant giveUpAt = backoff.giveUpAt(start);
        assertThat(backoff.next(giveUpAt.minusSeconds(10), giveUpAt)).isEmpty();
        assertThat(backoff.next(giveUpAt.plusSeconds(1), giveUpAt)).isEmpty();
    }
}
