package io.cmsrouter.content;

import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Serialises writes to the same cache key within this process, from the read of the stored order to the commit:
 * 256 striped locks, taken in ascending order (so two transactions never wait for each other in a circle), under a
 * read lock that a delete "everywhere" (of an item in every environment, or of a content type) takes exclusively.
 */
@Component
public class ContentLocks {
    private static final int STRIPES = 256;
    private final ReentrantReadWriteLock everywhere = new ReentrantReadWriteLock();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public ContentLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Locks what writing these keys needs; run the returned handle to release it. */
    public Runnable lock(Collection<String> keys, boolean exclusive) {
        if (exclusive) {
            everywhere.writeLock().lock();
            return everywhere.writeLock()::unlock;
        }
        everywhere.readLock().lock();
        TreeSet<Integer> indexes = new TreeSet<>();
        keys.forEach(key -> indexes.add(Math.floorMod(key.hashCode(), STRIPES)));
        for (int i : indexes) {
            stripes[i].lock();
        }
        return () -> {
            for (int i : indexes.descendingSet()) {
                stripes[i].unlock();
            }
            everywhere.readLock().unlock();
        };
    }
}
