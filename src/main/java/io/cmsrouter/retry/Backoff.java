package io.cmsrouter.retry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The durable retry schedule ({@code router.retry.schedule.*}): what a transient failure gets once the in-process
 * retries are used up. The next attempt waits as long as the failure has lasted so far (so the waits double),
 * at least {@code first-delay} and at most {@code max-delay}, with 20% jitter either way so that items failed
 * together do not come back together; once the next attempt would fall beyond {@code horizon} after the first
 * failure, the work becomes a dead letter.
 */
@Component
public class Backoff {
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Duration horizon;

    public Backoff(@Value("${router.retry.schedule.first-delay}") Duration firstDelay,
                   @Value("${router.retry.schedule.max-delay}") Duration maxDelay,
                   @Value("${router.retry.schedule.horizon}") Duration horizon) {
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.horizon = horizon;
    }

    /** When a schedule that starts now gives up: now plus the horizon. */
    public Instant giveUpAt(Instant now) {
        return now.plus(horizon);
    }

    /**
     * The next attempt after a transient failure at {@code now}, or empty when the work should become a dead letter.
     *
     * @param giveUpAt when this work's schedule ends ({@link #giveUpAt} of its first scheduled failure)
     */
    public Optional<Instant> next(Instant now, Instant giveUpAt) {
        Duration failingFor = Duration.between(giveUpAt.minus(horizon), now);
        Duration wait = failingFor.compareTo(firstDelay) < 0 ? firstDelay
                : failingFor.compareTo(maxDelay) > 0 ? maxDelay : failingFor;
        long jittered = (long) (wait.toMillis() * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
        Instant next = now.plusMillis(jittered);
        return next.isAfter(giveUpAt) ? Optional.empty() : Optional.of(next);
    }

    public Duration horizon() {
        return horizon;
    }
}
