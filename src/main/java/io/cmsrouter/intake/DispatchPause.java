package io.cmsrouter.intake;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.springframework.stereotype.Component;

/**
 * While the routes that run events are being replaced (a route reload), accepted events are not queued for them:
 * {@code enqueue} leaves each in the durable backlog, and the sweep hands it to the new routes once they run. A
 * Predicate ({@code ref: dispatchPause}), as it is asked once per webhook: no bean method call on that path.
 */
@Component("dispatchPause")
public class DispatchPause implements Predicate {
    private volatile boolean paused;

    @Override
    public boolean matches(Exchange exchange) {
        return paused;
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }
}
