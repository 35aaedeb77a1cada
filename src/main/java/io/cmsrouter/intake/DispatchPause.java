package io.cmsrouter.intake;

import org.springframework.stereotype.Component;

/**
 * While the routes that run events are being replaced (a route reload), accepted events are not queued for them:
 * {@code enqueue} leaves each in the durable backlog, and the sweep hands it to the new routes once they run.
 */
@Component("dispatchPause")
public class DispatchPause {
    private volatile boolean paused;

    public boolean isPaused() {
        return paused;
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }
}
