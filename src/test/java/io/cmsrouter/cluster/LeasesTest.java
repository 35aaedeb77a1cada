package io.cmsrouter.cluster;

import io.cmsrouter.store.MigratedH2;
import io.cmsrouter.store.SqlDialect;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An execution's lease given back with its settlement's commit (on H2, migrated as the router migrates it), and the
 * release that follows the run: what the database holds, and which claims may run the execution again.
 */
class LeasesTest {
    private static final String DUE = "status = 'received'";
    private JdbcTemplate jdbc;
    private TransactionTemplate transactions;
    private Leases leases;
    private final UUID uid = UUID.randomUUID();
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    @BeforeEach
    void database() {
        DataSource h2 = MigratedH2.create();
        jdbc = new JdbcTemplate(h2);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(h2));
        leases = new Leases(jdbc, SqlDialect.of("jdbc:h2:mem:"), new InstanceId("router-a"), Duration.ofSeconds(30),
                Duration.ofSeconds(5));
        // received and held by this instance, as the intake records it
        Timestamp now = Timestamp.from(Instant.now());
        leases.hold(uid.toString());
        jdbc.update("insert into execution (uid, created_at, updated_at, status, source, module, event, leased_by,"
                + " lease_until) values (?, ?, ?, 'received', 'contentstack', 'entry', 'publish', 'router-a', ?)",
                uid, now, now, leases.until());
    }

    @Test
    void aSettlementsCommitGivesTheLeaseBackAndTheReleaseAfterItWritesNothing() {
        settleGivingTheLeaseBack();
        assertThat(exchange.getProperty(Leases.LEASE_GIVEN_BACK, Boolean.class)).isTrue();
        assertThat(holder()).isNull();

        leases.release(uid.toString(), true);

        // free, and no longer this instance's own: the next claim runs it
        assertThat(holder()).isNull();
        assertThat(leases.claimExecutions(DUE, "created_at", 10)).containsExactly(uid);
    }

    @Test
    void aClaimBetweenTheCommitAndTheReleaseDoesNotRunItTwiceNorKeepsItsLease() {
        settleGivingTheLeaseBack();

        // this instance's sweep, before the run's release: leased again, but still this run's
        assertThat(leases.claimExecutions(DUE, "created_at", 10)).isEmpty();
        assertThat(holder()).isEqualTo("router-a");

        leases.release(uid.toString(), true);

        assertThat(holder()).isNull();
        assertThat(leases.claimExecutions(DUE, "created_at", 10)).containsExactly(uid);
    }

    @Test
    void aSettlementRolledBackLeavesTheLeaseToTheRelease() {
        transactions.executeWithoutResult(status -> {
            leases.releaseWithCommit(uid.toString(), exchange);
            status.setRollbackOnly();
        });
        assertThat(exchange.getProperty(Leases.LEASE_GIVEN_BACK)).isNull();
        assertThat(holder()).isEqualTo("router-a");

        leases.release(uid.toString(), null);

        assertThat(holder()).isNull();
    }

    private void settleGivingTheLeaseBack() {
        transactions.executeWithoutResult(status -> {
            jdbc.update("update execution set status = 'received' where uid = ?", uid); // the settlement's writes
            leases.releaseWithCommit(uid.toString(), exchange);
        });
    }

    private String holder() {
        return jdbc.queryForObject("select leased_by from execution where uid = ?", String.class, uid);
    }
}
