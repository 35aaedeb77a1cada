package io.cmsrouter.contentstack;

import io.cmsrouter.cluster.InstanceId;
import io.cmsrouter.cluster.Leases;
import io.cmsrouter.content.CacheKeys;
import io.cmsrouter.content.Page;
import io.cmsrouter.store.MigratedH2;
import io.cmsrouter.store.SqlDialect;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which page of a bulk job each instance does (the job_page table, on H2 migrated as the router migrates it): the
 * job's run from the front, a helping instance from the back, a dead holder's page once its lease has expired, and
 * a page's results committed once only.
 */
class JobProgressTest {
    private static final String H2_URL = "jdbc:h2:mem:";
    private JdbcTemplate jdbc;
    private JobProgress a;
    private JobProgress b;
    private final UUID job = UUID.randomUUID();

    @BeforeEach
    void database() {
        jdbc = new JdbcTemplate(MigratedH2.create());
        a = progress("router-a");
        b = progress("router-b");
    }

    private JobProgress progress(String instance) {
        Leases leases = new Leases(jdbc, SqlDialect.of(H2_URL), new InstanceId(instance), Duration.ofSeconds(30),
                Duration.ofSeconds(5));
        // two instances on one database, as on PostgreSQL: helping is on; the SQL is H2's
        return new JobProgress(jdbc, new JobPageLeases(jdbc, leases), leases,
                SqlDialect.of("jdbc:postgresql://shared/router"), new JobPages(new CacheKeys("en-us"), 100));
    }

    @Test
    void theJobsRunTakesPagesFromTheFrontAndAHelperFromTheBack() {
        job("router-a", 450);

        assertThat(a.next(job.toString(), 450, null)).isZero();
        JobProgress.Help help = b.helpWanted();
        assertThat(help.skip()).isEqualTo(400);
        assertThat(help.total()).isEqualTo(450);
        assertThat(b.helpWanted().skip()).isEqualTo(300);

        a.done(job, 0);
        assertThat(a.next(job.toString(), 450, null)).isEqualTo(100);
        a.done(job, 100);
        assertThat(a.next(job.toString(), 450, null)).isEqualTo(200);
        a.done(job, 200);
        // 300 and 400 are the helper's, under way: nothing left to the run, and the job is not settled yet
        assertThat(a.next(job.toString(), 450, null)).isEqualTo(-1);
        assertThat(a.waitForOpenPages(job)).isTrue();
        assertThat(nextAttemptAt()).isAfter(Instant.now());

        b.done(job, 400);
        assertThat(nextAttemptAt()).isNotNull();
        b.done(job, 300);
        // the last open page is done: the job is due again, to settle
        assertThat(nextAttemptAt()).isNull();
        assertThat(a.waitForOpenPages(job)).isFalse();
        assertThat(a.view(job)).containsEntry("done", 5L).containsEntry("open", 0L);
        assertThat(b.helpWanted()).isNull();
    }

    @Test
    void aPageWhoseHolderDiedIsTakenOverFirstOnceItsLeaseExpiredAndItsResultsAreNotCommittedTwice() {
        job("router-a", 300);
        assertThat(a.next(job.toString(), 300, null)).isZero();
        assertThat(b.helpWanted().skip()).isEqualTo(200);
        jdbc.update("update job_page set lease_until = ? where skip = 200", Timestamp.from(Instant.now().minusSeconds(1)));
        a.done(job, 0);

        assertThat(a.next(job.toString(), 300, null)).isEqualTo(200);
        assertThat(b.done(job, 200)).as("taken over: not committed twice").isFalse();
        assertThat(a.done(job, 200)).isTrue();
        assertThat(a.next(job.toString(), 300, null)).isEqualTo(100);
    }

    @Test
    void theRunGivesBackOnlyItsOwnPagesAndAHelperOnlyItsOwn() {
        job("router-b", 300);
        assertThat(a.helpWanted()).isNull(); // the run has not claimed its first page yet
        assertThat(b.next(job.toString(), 300, null)).isZero();
        JobProgress.Help help = a.helpWanted();
        assertThat(help.skip()).isEqualTo(200);

        b.releasePages(job.toString());
        a.releasePages(job.toString());
        assertThat(a.helpWanted().skip()).isEqualTo(100);
        a.giveBack(job.toString(), 200);
        assertThat(b.next(job.toString(), 300, null)).isZero();
        assertThat(b.next(job.toString(), 300, null)).isEqualTo(200);
    }

    @Test
    void aJobWhoseSizeIsNotToldIsReadPageAfterPagePastThePagesAnEarlierRunDid() {
        job("router-a", null);
        assertThat(b.helpWanted()).isNull();
        assertThat(a.next(job.toString(), null, null)).isZero();
        a.done(job, 0);
        a.releasePages(job.toString());

        // a new run: page 0 is done, so it goes on at 100, then follows the pages it reads
        assertThat(a.next(job.toString(), null, null)).isEqualTo(100);
        assertThat(a.next(job.toString(), null, Page.of(List.of(), List.of(), 150, true, null))).isEqualTo(150);
        assertThat(a.next(job.toString(), null, Page.of(List.of(), List.of(), 160, false, null))).isEqualTo(-1);
    }

    private Instant nextAttemptAt() {
        Timestamp at = jdbc.queryForObject("select next_attempt_at from execution where uid = ?", Timestamp.class, job);
        return at == null ? null : at.toInstant();
    }

    private void job(String heldBy, Integer total) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("insert into execution (uid, created_at, updated_at, status, source, module, event, job_id,"
                + " item_total, leased_by, lease_until) values (?, ?, ?, 'processing', 'contentstack', 'jobs',"
                + " 'publish.completed', 'job-1', ?, ?, ?)", job, now, now, total, heldBy,
                Timestamp.from(Instant.now().plusSeconds(30)));
    }
}
