package io.cmsrouter.contentstack;

import io.cmsrouter.cluster.Leases;
import io.cmsrouter.content.Page;
import io.cmsrouter.store.SqlDialect;
import org.apache.camel.ExchangeProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Which page of a bulk job an instance works on next (table job_page, leases by {@link JobPageLeases}). Once the first
 * page has told the job's size, its pages sit at fixed positions (skip 0, 100, 200... for a page size of 100) and each
 * is claimed before it is fetched and marked done when its results commit ({@code Ledger.commitPage}). The instance
 * running the job takes them from the front; other instances help from the back ({@link #helpWanted}); a page whose
 * holder died is taken over by the job's run once its lease expires. A job whose size is not told is read page after
 * page by its run alone.
 */
@Component("jobProgress")
public class JobProgress {
    /** The exchange property naming the page being worked on (its skip), which its commit marks done. */
    public static final String PAGE_AT = "jobPageAt";
    static final int NONE = -1;

    private final JdbcTemplate jdbc;
    private final JobPageLeases pages;
    private final Leases leases;
    private final boolean shared;
    private final int pageSize;

    public JobProgress(JdbcTemplate jdbc, JobPageLeases pages, Leases leases, SqlDialect dialect, JobPages jobPages) {
        this.jdbc = jdbc;
        this.pages = pages;
        this.leases = leases;
        this.shared = dialect.shared();
        this.pageSize = jobPages.pageSize();
    }

    /** A page claimed for an instance helping with another's job: what fetching and applying it needs. */
    public record Help(String executionUid, String jobId, int skip, int total) {
    }

    /**
     * The page the job's run does next, claimed for this instance, or {@value #NONE} when none is left to it: every
     * page done, or being done by another instance (the run then ends without settling, and runs again once they
     * are done). {@code last} is the page just applied, null at the start.
     */
    public int next(@ExchangeProperty("executionUid") String uid, @ExchangeProperty(JobPages.TOTAL) Integer total,
                    @ExchangeProperty("page") Page last) {
        UUID execution = UUID.fromString(uid);
        if (total == null) {
            // the job's size is not known: from the first page, one after another, past those an earlier run did
            int skip = last == null ? 0 : last.more() ? last.next() : NONE;
            Map<Integer, JobPageLeases.State> known = skip == NONE ? Map.of() : pages.pages(execution);
            while (skip != NONE && known.containsKey(skip) && known.get(skip).done()) {
                skip += pageSize;
            }
            return skip == NONE || pages.claim(execution, skip, false) ? skip : NONE;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            TreeMap<Integer, JobPageLeases.State> known = pages.pages(execution);
            // pages begun before and left (their holder died, or had another page size), then the rest in order
            for (Map.Entry<Integer, JobPageLeases.State> page : known.entrySet()) {
                if (page.getValue().free() && pages.claim(execution, page.getKey(), false)) {
                    return page.getKey();
                }
            }
            for (int skip = 0; skip < total; skip += pageSize) {
                if (!known.containsKey(skip) && pages.claim(execution, skip, false)) {
                    return skip;
                }
            }
            if (known.values().stream().noneMatch(JobPageLeases.State::free)) {
                return NONE;
            }
            // another instance claimed a free page between the read and the claim: read again
        }
        return NONE;
    }

    /**
     * A page nobody has claimed of a job another live instance is running, claimed for this one, or null; the oldest
     * jobs first. Help starts from the back, where the job's own run comes last; only jobs whose size is known and
     * whose run has begun claiming pages can be helped. In embedded H2 there is nobody to help.
     */
    public Help helpWanted() {
        if (!shared) {
            return null;
        }
        List<Map<String, Object>> jobs = jdbc.queryForList("select e.uid, e.job_id, e.item_total from execution e"
                + " where e.status = 'processing' and e.job_id is not null and e.item_total is not null"
                + " and e.leased_by <> ? and e.lease_until >= ? and (select count(*) from job_page p"
                + " where p.execution_uid = e.uid) between 1 and (e.item_total + ? - 1) / ? - 1"
                + " order by e.created_at limit 10", leases.holder(), Timestamp.from(Instant.now()), pageSize, pageSize);
        for (Map<String, Object> job : jobs) {
            UUID execution = (UUID) job.get("UID");
            int total = ((Number) job.get("ITEM_TOTAL")).intValue();
            Map<Integer, JobPageLeases.State> known = pages.pages(execution);
            for (int skip = (total - 1) / pageSize * pageSize; skip >= 0; skip -= pageSize) {
                if (!known.containsKey(skip) && pages.claim(execution, skip, true)) {
                    return new Help(execution.toString(), (String) job.get("JOB_ID"), skip, total);
                }
            }
        }
        return null;
    }

    /** A helper could not do its page: it is free again for the job's run or another helper. */
    public void giveBack(@ExchangeProperty("executionUid") String uid, @ExchangeProperty(PAGE_AT) Integer skip) {
        if (uid != null && skip != null) {
            pages.release(new JobPageLeases.Held(UUID.fromString(uid), skip, true));
        }
    }

    /** A job's run has ended (routes/settle.camel.yaml): a page it claimed and did not commit is free again. */
    public void releasePages(@ExchangeProperty("executionUid") String uid) {
        if (uid != null) {
            pages.release(UUID.fromString(uid), false);
        }
    }

    /**
     * A page's results are committing, in the caller's transaction: false when another instance took the page over
     * (see {@link JobPageLeases#done}), and nothing of it may be written.
     */
    public boolean done(UUID execution, int skip) {
        if (!shared) {
            // one process: no helper, so no job's run waits for this page
            return pages.done(execution, skip);
        }
        // page commits and a settlement waiting for them queue on the execution's row (see waitForOpenPages)
        lockExecution(execution);
        if (!pages.done(execution, skip)) {
            return false;
        }
        // the last page a helper did: the job's run, waiting for it, may settle now
        jdbc.update("update execution set next_attempt_at = null where uid = ? and next_attempt_at is not null"
                + " and not exists (select 1 from job_page where execution_uid = ? and not done)", execution, execution);
        return true;
    }

    private void lockExecution(UUID execution) {
        jdbc.queryForList("select uid from execution where uid = ? for update", execution);
    }

    /** Renews the pages this instance is working on (routes/cluster.camel.yaml, with each heartbeat). */
    public void renew() {
        pages.renew();
    }

    /**
     * Whether a job waits for pages other instances are doing, in the settlement's transaction: then it runs again
     * when the last of them commits ({@link #done}), or when their leases end. Page commits lock the execution's row
     * first, and so does this, in a statement of its own: the check that follows reads what every page commit before
     * it committed, and a page commit after it waits, then finds the wait set and ends it.
     */
    public boolean waitForOpenPages(UUID execution) {
        lockExecution(execution);
        return jdbc.update("update execution set next_attempt_at = (select max(lease_until) from job_page"
                + " where execution_uid = ? and not done), updated_at = ? where uid = ? and exists (select 1"
                + " from job_page where execution_uid = ? and not done)", execution, Timestamp.from(Instant.now()),
                execution, execution) == 1;
    }

    /** A bulk job's pages: how many are done, by which instance, and how many are still open. */
    public Map<String, Object> view(UUID uid) {
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Long> doneBy = new TreeMap<>();
        long[] open = {0};
        jdbc.query("select done, done_by, count(*) as n from job_page where execution_uid = ? group by done, done_by",
                rs -> {
                    if (rs.getBoolean("done")) {
                        doneBy.put(String.valueOf(rs.getString("done_by")), rs.getLong("n"));
                    } else {
                        open[0] += rs.getLong("n");
                    }
                }, uid);
        view.put("done", doneBy.values().stream().mapToLong(Long::longValue).sum());
        view.put("open", open[0]);
        view.put("done_by", doneBy);
        return view;
    }
}
