package io.cmsrouter.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What "on disk" means before the router answers ({@code router.durability}):
 * <ul>
 *   <li>{@code process-crash}: committed transactions are written to the database file, so they
 *   survive the router being killed (kill -9, an OOM kill, a crash of the JVM), not a crash of the OS or a power
 *   loss, which can drop what the OS had not yet written to the disk;</li>
 *   <li>{@code power-loss} (the default): they are also forced to the disk (fsync) before the answer, so they survive an OS
 *   crash or a power loss as well.</li>
 * </ul>
 * Callers commit first, then flush; one flush covers every transaction committed before it, so a group commit pays
 * for one flush however many webhooks it holds.
 * <p>
 * What follows the ack (an execution's results, content rows and outbox rows) is redone when lost, so on PostgreSQL
 * its transactions commit lazily ({@link #lazyCommit}): like H2's unflushed writes, they reach the disk within
 * moments, survive the router being killed, and a crash of the database server can lose the last of them, which the
 * execution's next run writes again.
 */
@Component
public class Durability {
    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);

    public enum Mode { PROCESS_CRASH, POWER_LOSS }

    private final JdbcTemplate jdbc;
    private final String flush;
    private final String lazyCommit;

    public Durability(JdbcTemplate jdbc, SqlDialect dialect, @Value("${router.durability}") Mode mode) {
        this.jdbc = jdbc;
        this.flush = dialect.flush(mode == Mode.POWER_LOSS);
        this.lazyCommit = dialect.lazyCommit();
        if (flush == null) {
            LOG.info("Durability: the database's own (an acknowledged webhook is committed; PostgreSQL makes a commit"
                    + " durable unless synchronous_commit is off); router.durability does not apply");
            return;
        }
        LOG.info("Durability: {} (an acknowledged webhook survives {})", mode.name().toLowerCase().replace('_', '-'),
                mode == Mode.POWER_LOSS ? "a crash of the router, of the OS, or a power loss"
                        : "a crash of the router, not of the OS or a power loss");
    }

    /** In the current transaction: its commit need not wait for the disk (see the class comment). */
    public void lazyCommit() {
        if (lazyCommit != null) {
            jdbc.execute(lazyCommit);
        }
    }

    /** Makes every transaction committed so far durable in the configured sense. */
    public void flush() {
        if (flush != null) {
            jdbc.execute(flush);
        }
    }
}
