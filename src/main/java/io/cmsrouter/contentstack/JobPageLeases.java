package io.cmsrouter.contentstack;

import io.cmsrouter.cluster.Leases;
import io.cmsrouter.store.AfterCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The leases on bulk jobs' pages (table job_page), like {@link Leases}' on executions: a page is claimed when nobody
 * has it, or its holder let the lease expire, and it is not done; renewed with the heartbeat while held; done when its
 * results commit, and only by its holder; given back when the work on it ends otherwise. This instance's holds are
 * kept in memory too, each with who holds it (the job's run, or a helper), so that neither gives back the other's.
 */
@Component
class JobPageLeases {
    private static final Logger LOG = LoggerFactory.getLogger(JobPageLeases.class);

    private final JdbcTemplate jdbc;
    private final Leases leases;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();

    JobPageLeases(JdbcTemplate jdbc, Leases leases) {
        this.jdbc = jdbc;
        this.leases = leases;
    }

    /** A page this instance holds, for the job's run or for a helper. */
    record Held(UUID execution, int skip, boolean helping) {
    }

    /** What the table says of a page. */
    record State(boolean done, String holder, Instant until) {
        /** Claimable: not done, and nobody's (a lease that expired is nobody's). */
        boolean free() {
            return !done && (holder == null || until == null || until.isBefore(Instant.now()));
        }
    }

    /** The job's pages as the table has them, by skip. */
    TreeMap<Integer, State> pages(UUID execution) {
        TreeMap<Integer, State> pages = new TreeMap<>();
        jdbc.query("select skip, done, leased_by, lease_until from job_page where execution_uid = ?", rs -> {
            Timestamp until = rs.getTimestamp("lease_until");
            pages.put(rs.getInt("skip"), new State(rs.getBoolean("done"), rs.getString("leased_by"),
                    until == null ? null : until.toInstant()));
        }, execution);
        return pages;
    }

    boolean claim(UUID execution, int skip, boolean helping) {
        boolean claimed = leases.claimRow("job_page", key(execution, skip), " and not done");
        if (claimed) {
            held.add(new Held(execution, skip, helping));
        }
        return claimed;
    }

    /**
     * The page's results are committing, in the caller's transaction: it is done, by this instance; false when this
     * instance no longer holds it (its lease ran out and another took it over), whose results the caller then leaves
     * uncommitted. The hold ends with the commit; after a rollback the page is given back as usual.
     */
    boolean done(UUID execution, int skip) {
        List<Held> page = held.stream().filter(h -> h.execution().equals(execution) && h.skip() == skip).toList();
        if (jdbc.update("update job_page set done = true, done_by = ?, leased_by = null, lease_until = null"
                + " where execution_uid = ? and skip = ? and leased_by = ? and not done", leases.holder(), execution, skip,
                leases.holder()) == 0) {
            page.forEach(held::remove);
            return false;
        }
        AfterCommit.run(() -> page.forEach(held::remove));
        return true;
    }

    /** Gives back the pages of a job held by its run (helping: false) or by a helper (true). */
    void release(UUID execution, boolean helping) {
        held.stream().filter(h -> h.execution().equals(execution) && h.helping() == helping).toList()
                .forEach(this::release);
    }

    void release(Held page) {
        if (held.remove(page)) {
            // a done page is nobody's already
            leases.releaseRow("job_page", key(page.execution(), page.skip()));
        }
    }

    private static Map<String, Object> key(UUID execution, int skip) {
        return Map.of("execution_uid", execution, "skip", skip);
    }

    void renew() {
        Timestamp until = leases.until();
        try {
            for (Held page : List.copyOf(held)) {
                jdbc.update("update job_page set lease_until = ? where execution_uid = ? and skip = ? and leased_by = ?",
                        until, page.execution(), page.skip(), leases.holder());
            }
        } catch (RuntimeException e) {
            LOG.warn("Job pages' leases could not be renewed ({}); tried again with the next heartbeat", e.toString());
        }
    }
}
