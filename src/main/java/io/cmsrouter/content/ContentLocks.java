package io.cmsrouter.content;

import io.cmsrouter.store.SqlDialect;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * Serialises writes to the same cache key from the read of the stored order to the commit, so "newest wins" holds
 * whichever instance applies the events: keys' locks are taken in ascending order (two transactions never wait for
 * each other in a circle), under a shared lock that a delete "everywhere" (of an item in every environment, or of a
 * content type) takes exclusively.
 * <p>
 * In a shared database (PostgreSQL) these are the database's transaction-scoped advisory locks, one per key's hash,
 * released by the commit or rollback itself; several routers' writes then queue at the database. Embedded H2 is
 * opened by one process, so there they are 256 striped locks in memory.
 */
@Component
public class ContentLocks {
    private static final int STRIPES = 256;
    /** The advisory locks' first key: the space of the "everywhere" lock, and of the keys' locks. */
    private static final int EVERYWHERE = 0x636d7301;
    private static final int KEYS = 0x636d7302;

    private final JdbcTemplate jdbc;
    private final boolean inDatabase;
    private final ReentrantReadWriteLock everywhere = new ReentrantReadWriteLock();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public ContentLocks(JdbcTemplate jdbc, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.inDatabase = dialect.shared();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Locks what writing these keys needs, inside the caller's transaction; run the returned handle once that
     * transaction has ended (a database's locks are gone by then already).
     */
    public Runnable lock(Collection<String> keys, boolean exclusive) {
        return inDatabase ? lockInDatabase(keys, exclusive) : lockInMemory(keys, exclusive);
    }

    private Runnable lockInDatabase(Collection<String> keys, boolean exclusive) {
        if (exclusive) {
            jdbc.queryForList("select pg_advisory_xact_lock(" + EVERYWHERE + ", 0)");
            return () -> { };
        }
        jdbc.queryForList("select pg_advisory_xact_lock_shared(" + EVERYWHERE + ", 0)");
        // String.hashCode is the same in every JVM; one statement text, so the driver prepares it once
        Integer[] hashes = keys.stream().map(String::hashCode).collect(Collectors.toCollection(TreeSet::new))
                .toArray(Integer[]::new);
        jdbc.query(connection -> {
            PreparedStatement lock = connection.prepareStatement("select count(pg_advisory_xact_lock(" + KEYS + ", h))"
                    + " from (select unnest(?) as h order by h) ordered");
            lock.setArray(1, connection.createArrayOf("integer", hashes));
            return lock;
        }, rs -> { });
        return () -> { };
    }

    private Runnable lockInMemory(Collection<String> keys, boolean exclusive) {
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
