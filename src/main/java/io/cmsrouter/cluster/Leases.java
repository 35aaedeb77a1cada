package io.cmsrouter.cluster;

import io.cmsrouter.store.SqlDialect;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Work is claimed, not owned. An execution (with its job pages and scheduled retries) and a downstream notification
 * are run by the instance holding their lease (columns {@code leased_by}, {@code lease_until}): taken when the
 * intake records the execution, when a sweep or a delivery route claims it, renewed with every heartbeat while this
 * instance works on it, given back when it is done. When an instance dies its leases expire after
 * {@code router.cluster.lease-duration} and another instance takes the work over, without the dead one coming back.
 * <p>
 * The leases this instance holds are also kept here, in memory: only those are renewed, so work this instance lost
 * track of (a release that failed) is never kept from the others. Tasks that one instance of the cluster runs at a
 * time ({@link TaskLeases}) and bulk jobs' pages ({@code JobProgress}) are held the same way; what an instance held
 * before it started, or holds when it stops, is {@link StaleLeases}' business.
 */
@Component("leases")
@DependsOn("staleLeases") // what an earlier run of this instance held is free before anything is claimed
public class Leases {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
    /** A row nobody holds, or whose holder let its lease expire; the argument is now. */
    private static final String FREE = "(leased_by is null or lease_until < ?)";
    /** Exchange property: the execution's settlement gave its lease back when it committed. */
    public static final String LEASE_GIVEN_BACK = "leaseGivenBack";
    /**
     * Keys per renewal or release statement. H2 checks each row it finds against the whole "in (?, ...)" list again,
     * so a statement costs rows times keys: with 500 a heartbeat renewing a backlog of thousands took a tenth of the
     * CPU under load.
     */
    private static final int CHUNK = 100;

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final InstanceId self;
    private final Duration duration;
    private final Duration heartbeat;
    /** What this instance holds, and until when as far as it knows (a lease taken or last renewed). */
    private final Map<Object, Instant> executions = new ConcurrentHashMap<>();
    private final Map<Object, Instant> notifications = new ConcurrentHashMap<>();
    /** Executions held here that a claim here leased again (see {@link #release}). */
    private final Set<Object> reclaimed = ConcurrentHashMap.newKeySet();

    public Leases(JdbcTemplate jdbc, SqlDialect dialect, InstanceId self,
                  @Value("${router.cluster.lease-duration}") Duration duration,
                  @Value("${router.cluster.heartbeat-interval}") Duration heartbeat) {
        if (duration.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("router.cluster.lease-duration (" + duration + ") must be at least 3"
                    + " times router.cluster.heartbeat-interval (" + heartbeat + "), which renews the leases");
        }
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.self = self;
        this.duration = duration;
        this.heartbeat = heartbeat;
    }

    public String holder() {
        return self.id();
    }

    /** When a lease taken now ends unless renewed. */
    public Timestamp until() {
        return Timestamp.from(Instant.now().plus(duration));
    }

    /** An execution this instance records: its lease is written with it. */
    public void hold(String executionUid) {
        executions.put(executionUid, Instant.now().plus(duration));
    }

    /**
     * Claims up to {@code limit} executions, in {@code order}, that meet {@code condition} (SQL over table
     * execution, qualified by its name where needed, with {@code args} for its marks) and that nobody holds; returns
     * those now held. One whose lease ran out while this instance still works on it (its renewals failed) is not run
     * twice here.
     */
    public List<UUID> claimExecutions(String condition, String order, int limit, Object... args) {
        Instant until = Instant.now().plus(duration);
        List<UUID> held = new ArrayList<>();
        for (UUID uid : claim("execution", "uid", UUID.class, condition, order, limit, until, args)) {
            boolean[] fresh = {false};
            // atomic with release: its lease is this instance's again, over a run under way or one ending now
            executions.compute(uid.toString(), (key, before) -> {
                fresh[0] = before == null;
                if (before != null) {
                    reclaimed.add(key);
                }
                return before != null ? before : until;
            });
            if (fresh[0]) {
                held.add(uid);
            }
        }
        return held;
    }

    /** Claims notifications as {@link #claimExecutions} claims executions. */
    public List<Long> claimNotifications(String condition, String order, int limit, Object... args) {
        Instant until = Instant.now().plus(duration);
        return claim("notification", "id", Long.class, condition, order, limit, until, args).stream()
                .filter(id -> notifications.putIfAbsent(id, until) == null).toList();
    }

    private <K> List<K> claim(String table, String key, Class<K> type, String condition, String order, int limit,
                              Instant until, Object... args) {
        Timestamp now = Timestamp.from(Instant.now());
        String free = " and " + FREE;
        String candidates = "select " + key + " from " + table + " where " + condition + free + " order by " + order
                + " limit ?";
        String lease = "update " + table + " set leased_by = ?, lease_until = ? where " + key + " in (";
        Object[] leaseArgs = {self.id(), Timestamp.from(until)};
        if (dialect.shared()) {
            return jdbc.queryForList(dialect.returning(lease + candidates + dialect.skipLocked() + ")", key), type,
                    concat(leaseArgs, args, new Object[] {now, limit}));
        }
        // H2 evaluates an update's "in (select ...)" again for every row it scans (a sweep over a backlog of thousands
        // took half a second): the keys are chosen first, then leased by key if they still meet the condition
        List<Object> chosen = new ArrayList<>(jdbc.queryForList(candidates, type, concat(args, new Object[] {now, limit})));
        List<K> claimed = new ArrayList<>();
        try {
            inChunks(chosen, chunk -> claimed.addAll(jdbc.queryForList(dialect.returning(lease + marks(chunk.size())
                    + ") and " + condition + free, key), type, concat(leaseArgs, chunk.toArray(), args, new Object[] {now}))));
        } catch (RuntimeException e) {
            // the chunks leased before the failure are nobody's work: free again rather than held until they expire
            freeRows(table, key, new ArrayList<>(claimed));
            throw e;
        }
        return claimed;
    }

    /**
     * Gives an execution's lease back when its run has ended, or when it could not be queued. When its settlement
     * gave it back already ({@code givenBack}, see {@link #releaseWithCommit}) only this instance's note of it goes,
     * unless a claim here took the lease again meanwhile (then it would be held, unrenewed, until it expired).
     */
    public void release(@ExchangeProperty("executionUid") String executionUid,
                        @ExchangeProperty(LEASE_GIVEN_BACK) Boolean givenBack) {
        boolean[] inDatabase = {false};
        executions.computeIfPresent(executionUid, (key, until) -> {
            inDatabase[0] = reclaimed.remove(key) || !Boolean.TRUE.equals(givenBack);
            return null;
        });
        if (inDatabase[0]) {
            releaseRow("execution", Map.of("uid", UUID.fromString(executionUid)));
        }
    }

    /** {@link #release} of a lease this instance still has in the database (for Java callers; routes call release). */
    public void releaseHeld(String executionUid) {
        release(executionUid, false);
    }

    /**
     * Gives an execution's lease back in the caller's transaction (its settlement), so the run's end costs no
     * transaction of its own; once that commits, the exchange says so ({@value #LEASE_GIVEN_BACK}) to
     * {@link #release}, which follows. The execution stays in this instance's held map until then, so a claim here
     * meanwhile does not run it a second time beside the end of this run.
     */
    public void releaseWithCommit(@ExchangeProperty("executionUid") String executionUid, Exchange exchange) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return; // no transaction to join: release, after the run, gives it back on its own
        }
        jdbc.update("update execution set leased_by = null, lease_until = null where uid = ? and leased_by = ?",
                UUID.fromString(executionUid), self.id());
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                exchange.setProperty(LEASE_GIVEN_BACK, true);
            }
        });
    }

    /**
     * Takes the lease of one row, named by its key's columns and values: a row nobody has inserted yet, or one nobody
     * holds (nobody's, or expired) that {@code condition} (an {@code " and ..."} or empty) admits. False while
     * another instance holds it. For tables whose rows are claimed one at a time (cluster tasks, job pages).
     */
    public boolean claimRow(String table, Map<String, Object> key, String condition) {
        String columns = String.join(", ", key.keySet());
        List<Object> insert = new ArrayList<>(key.values());
        insert.addAll(List.of(self.id(), until()));
        try {
            if (jdbc.update("insert into " + table + " (" + columns + ", leased_by, lease_until) values ("
                    + marks(insert.size()) + ")" + dialect.onConflictDoNothing(columns), insert.toArray()) == 1) {
                return true;
            }
        } catch (DuplicateKeyException insertedBefore) {
            // H2 has no "on conflict": the row is there; whether it is free is up to the update
        }
        List<Object> update = new ArrayList<>(List.of(self.id(), until()));
        update.addAll(key.values());
        update.add(Timestamp.from(Instant.now()));
        return jdbc.update("update " + table + " set leased_by = ?, lease_until = ? where " + matching(key) + condition
                + " and " + FREE, update.toArray()) == 1;
    }

    /**
     * Gives back one row's lease if this instance holds it. A failure is only logged: no longer renewed, the lease
     * runs out and the row is free again then.
     */
    public void releaseRow(String table, Map<String, Object> key) {
        List<Object> args = new ArrayList<>(key.values());
        args.add(self.id());
        try {
            jdbc.update("update " + table + " set leased_by = null, lease_until = null where " + matching(key)
                    + " and leased_by = ?", args.toArray());
        } catch (DataAccessException e) {
            LOG.debug("{} {}: its lease could not be given back ({}); it expires", table, key.values(), e.toString());
        }
    }

    private static String matching(Map<String, Object> key) {
        return String.join(" and ", key.keySet().stream().map(column -> column + " = ?").toList());
    }

    /** Gives notifications' leases back after their delivery route has been through them. */
    public void releaseNotifications(Collection<Long> ids) {
        notifications.keySet().removeAll(ids);
        freeRows("notification", "id", new ArrayList<>(ids));
    }

    /** Gives back the leases of these rows that this instance holds. */
    private void freeRows(String table, String key, List<Object> keys) {
        inChunks(keys, chunk -> jdbc.update("update " + table + " set leased_by = null, lease_until = null where"
                + " leased_by = ? and " + key + " in (" + marks(chunk.size()) + ")",
                concat(new Object[] {self.id()}, chunk.toArray())));
    }

    /**
     * Renews the leases this instance is working under (routes/cluster.camel.yaml, with each heartbeat), those taken
     * or renewed more than half a heartbeat ago: work taken since is mostly done before the next heartbeat and costs
     * no renewal (under load, renewing the queue's thousands every heartbeat took a tenth of the CPU), and longer work
     * is renewed with every heartbeat. A failure is logged and the next heartbeat tries again.
     */
    public void renew() {
        Instant until = Instant.now().plus(duration);
        Instant due = until.minus(heartbeat.dividedBy(2));
        try {
            renewHeld("execution", "uid", executions, due, until, uid -> UUID.fromString((String) uid));
            renewHeld("notification", "id", notifications, due, until, id -> id);
        } catch (RuntimeException e) {
            LOG.warn("Leases could not be renewed ({}); tried again with the next heartbeat", e.toString());
        }
    }

    /** A new execution whose insert was undone: nothing to give back in the database. */
    public void forget(String executionUid) {
        executions.remove(executionUid);
    }

    private void renewHeld(String table, String key, Map<Object, Instant> held, Instant due, Instant until,
                           Function<Object, Object> column) {
        List<Object> renewing = held.entrySet().stream().filter(e -> e.getValue().isBefore(due)).map(Map.Entry::getKey)
                .toList();
        renewRows(table, key, renewing.stream().map(column).toList(), Timestamp.from(until));
        // what was given back meanwhile is not held again
        renewing.forEach(k -> held.computeIfPresent(k, (same, before) -> until));
    }

    /** Renews the leases of these rows that this instance holds. */
    void renewRows(String table, String key, List<Object> keys, Timestamp until) {
        inChunks(keys, chunk -> jdbc.update("update " + table + " set lease_until = ? where leased_by = ? and " + key
                + " in (" + marks(chunk.size()) + ")", concat(new Object[] {until, self.id()}, chunk.toArray())));
    }

    private static void inChunks(List<Object> keys, java.util.function.Consumer<List<Object>> update) {
        for (int from = 0; from < keys.size(); from += CHUNK) {
            update.accept(keys.subList(from, Math.min(keys.size(), from + CHUNK)));
        }
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static Object[] concat(Object[]... parts) {
        List<Object> all = new ArrayList<>();
        for (Object[] part : parts) {
            Collections.addAll(all, part);
        }
        return all.toArray();
    }
}
