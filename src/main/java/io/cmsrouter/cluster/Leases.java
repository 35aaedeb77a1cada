package io.cmsrouter.cluster;

import io.cmsrouter.store.SqlDialect;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

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

/**
 * Work is claimed, not owned. An execution (with its job pages and scheduled retries) and a downstream notification
 * are run by the instance holding their lease (columns {@code leased_by}, {@code lease_until}): taken when the
 * intake records the execution, when a sweep or a delivery route claims it, renewed with every heartbeat while this
 * instance works on it, given back when it is done. When an instance dies its leases expire after
 * {@code router.cluster.lease-duration} and another instance takes the work over, without the dead one coming back.
 * <p>
 * The leases this instance holds are also kept here, in memory: only those are renewed, so work this instance lost
 * track of (a release that failed) is never kept from the others. Tasks that one instance of the cluster runs at a
 * time ({@link TaskLeases}) and bulk jobs' pages ({@code JobProgress}) are held the same way.
 */
@Component("leases")
public class Leases {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
    /** A row nobody holds, or whose holder let its lease expire; the argument is now. */
    public static final String FREE = "(leased_by is null or lease_until < ?)";
    private static final int CHUNK = 500;
    /** Every table whose rows are leased. */
    private static final List<String> LEASED = List.of("execution", "notification", "cluster_task", "job_page");

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final InstanceId self;
    private final Duration duration;
    private final Duration heartbeat;
    private final Set<Object> executions = ConcurrentHashMap.newKeySet();
    private final Set<Object> notifications = ConcurrentHashMap.newKeySet();

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

    /**
     * Leases left by an earlier run of this process are void: in embedded H2 all of them (only one process opens it),
     * in a shared database those in this instance's name (a restart under a fixed router.instance-id). Unless a
     * router under that name is still alive: then this one refuses to start rather than take its work.
     */
    @PostConstruct
    void dropStale() throws InterruptedException {
        if (dialect.shared()) {
            refuseTwin();
        }
        int dropped = dialect.shared() ? releaseEverywhere("leased_by = ?", self.id())
                : releaseEverywhere("leased_by is not null");
        if (dropped > 0) {
            LOG.info("{} leases left by an earlier run were given back", dropped);
        }
    }

    /**
     * A heartbeat under this name within the last intervals may be this router's own before a quick restart, or a
     * twin's: a twin beats again within two intervals.
     */
    private void refuseTwin() throws InterruptedException {
        Timestamp first = lastBeat();
        if (first == null || first.toInstant().isBefore(Instant.now().minus(heartbeat.multipliedBy(3)))) {
            return;
        }
        LOG.info("A router named {} beat {} ago; waiting to see whether it is alive", self.id(),
                Duration.between(first.toInstant(), Instant.now()));
        Thread.sleep(heartbeat.multipliedBy(2).toMillis());
        Timestamp again = lastBeat();
        if (again != null && again.after(first)) {
            throw new IllegalStateException("another router with router.instance-id '" + self.id() + "' is running on"
                    + " this database (its heartbeat is current): give each router its own ROUTER_INSTANCE_ID");
        }
    }

    private Timestamp lastBeat() {
        List<Timestamp> beats = jdbc.queryForList("select heartbeat_at from router_instance where instance_id = ?",
                Timestamp.class, self.id());
        return beats.isEmpty() ? null : beats.get(0);
    }

    /** A clean shutdown (after the routes have stopped): what this instance held is free for the others at once. */
    @PreDestroy
    void releaseAll() {
        try {
            releaseEverywhere("leased_by = ?", self.id());
        } catch (RuntimeException e) {
            LOG.debug("Leases could not be given back at shutdown ({}); they expire", e.toString());
        }
    }

    private int releaseEverywhere(String holders, Object... args) {
        int released = 0;
        for (String table : LEASED) {
            released += jdbc.update("update " + table + " set leased_by = null, lease_until = null where " + holders, args);
        }
        return released;
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
        executions.add(executionUid);
    }

    /**
     * Claims up to {@code limit} of the executions a query names and returns those now held. {@code candidates}
     * selects {@code uid} from execution, includes {@link #FREE} and ends in {@code order by ... limit ?}.
     */
    public List<UUID> claimExecutions(String candidates, Object... args) {
        // one whose lease ran out while this instance still works on it (renewals failed) is not run twice here
        return claim("execution", "uid", UUID.class, candidates, args).stream()
                .filter(uid -> executions.add(uid.toString())).toList();
    }

    /** Claims the notifications a query names (it selects {@code id}; see {@link #claimExecutions}). */
    public List<Long> claimNotifications(String candidates, Object... args) {
        return claim("notification", "id", Long.class, candidates, args).stream().filter(notifications::add).toList();
    }

    private <K> List<K> claim(String table, String key, Class<K> type, String candidates, Object... args) {
        List<Object> all = new ArrayList<>(List.of(self.id(), until()));
        Collections.addAll(all, args);
        return jdbc.queryForList(dialect.returning("update " + table + " set leased_by = ?, lease_until = ? where "
                + key + " in (" + candidates + dialect.skipLocked() + ")", key), type, all.toArray());
    }

    /** Gives an execution's lease back once its run has settled, or when it could not be queued. */
    public void release(@ExchangeProperty("executionUid") String executionUid) {
        executions.remove(executionUid);
        releaseRow("execution", Map.of("uid", UUID.fromString(executionUid)));
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
        if (ids.isEmpty()) {
            return;
        }
        notifications.removeAll(ids);
        inChunks(new ArrayList<Object>(ids), chunk -> jdbc.update("update notification set leased_by = null,"
                + " lease_until = null where leased_by = ? and id in (" + marks(chunk.size()) + ")", with(self.id(), chunk)));
    }

    /**
     * Renews every lease this instance is working under (routes/cluster.camel.yaml, with each heartbeat). A failure
     * is logged and the next heartbeat tries again; the leases last {@code router.cluster.lease-duration}.
     */
    public void renew() {
        Timestamp until = until();
        try {
            renewHeld("execution", "uid", executions.stream().map(uid -> (Object) UUID.fromString((String) uid)).toList(),
                    until);
            renewHeld("notification", "id", List.copyOf(notifications), until);
        } catch (RuntimeException e) {
            LOG.warn("Leases could not be renewed ({}); tried again with the next heartbeat", e.toString());
        }
    }

    /** A new execution whose insert was undone: nothing to give back in the database. */
    public void forget(String executionUid) {
        executions.remove(executionUid);
    }

    void renewHeld(String table, String key, List<Object> held, Timestamp until) {
        inChunks(held, chunk -> jdbc.update("update " + table + " set lease_until = ? where leased_by = ? and " + key
                + " in (" + marks(chunk.size()) + ")", with(until, with(self.id(), chunk))));
    }

    private static void inChunks(List<Object> keys, java.util.function.Consumer<List<Object>> update) {
        for (int from = 0; from < keys.size(); from += CHUNK) {
            update.accept(keys.subList(from, Math.min(keys.size(), from + CHUNK)));
        }
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static Object[] with(Object first, Collection<?> rest) {
        List<Object> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all.toArray();
    }

    private static Object[] with(Object first, Object[] rest) {
        List<Object> all = new ArrayList<>(rest.length + 1);
        all.add(first);
        Collections.addAll(all, rest);
        return all.toArray();
    }
}
