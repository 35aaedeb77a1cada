package io.cmsrouter.intake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Whether new webhooks are taken. On shutdown (SIGTERM) it closes first, before the web server and Camel stop, so
 * webhooks arriving during the grace period get 503 with Retry-After and Contentstack redelivers them later, while
 * in-flight work finishes; what does not finish in time is resumed on the next start.
 */
@Component("intake")
public class Intake implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);
    private final int retryAfterSeconds;
    private volatile boolean open;

    public Intake(@Value("${router.shutdown.grace-period}") int gracePeriodSeconds) {
        this.retryAfterSeconds = Math.max(1, gracePeriodSeconds);
    }

    public void admit() {
        if (!open) {
            throw new IntakeUnavailableException("the router is shutting down; deliver again later", retryAfterSeconds);
        }
    }

    @Override
    public void start() {
        open = true;
    }

    @Override
    public void stop() {
        open = false;
        LOG.info("Shutting down: new webhooks get 503 with Retry-After; in-flight work may finish");
    }

    @Override
    public boolean isRunning() {
        return open;
    }

    /** Stopped before every other lifecycle bean, the web server's graceful shutdown and Camel included. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
