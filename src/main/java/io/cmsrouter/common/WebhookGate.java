package io.cmsrouter.common;

import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Holds webhook requests while a route reload replaces the routes they go through (stopped last, so this is a
 * moment): a request that arrives then waits for the new routes instead of finding none, and the swap waits for
 * the requests under way.
 */
@Component
public class WebhookGate {
    // not fair, which costs each request less: a waiting swap still stops new requests from passing ahead of it
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** A webhook request passes; false when a swap held the gate for all of {@code wait}. Then {@link #leave()}. */
    public boolean enter(Duration wait) throws InterruptedException {
        return lock.readLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void leave() {
        lock.readLock().unlock();
    }

    /** Closes once the requests under way are answered; false if they were not within {@code wait}. */
    public boolean close(Duration wait) throws InterruptedException {
        return lock.writeLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Opens what {@link #close} closed, on the same thread. */
    public void open() {
        lock.writeLock().unlock();
    }
}
