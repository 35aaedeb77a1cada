package io.cmsrouter.store;

/**
 * The SQL that differs between databases, in one place; every other statement is plain SQL that H2 and PostgreSQL
 * both run. Their schemas live in {@code db/migration/h2} and {@code db/migration/postgresql}, and from version 8
 * in {@code db/migration/common}, which both run.
 */
public final class SqlDialect {
    private final boolean h2;

    private SqlDialect(boolean h2) {
        this.h2 = h2;
    }

    /** The dialect of a JDBC URL; a database the router has no schema for stops the start with the reason. */
    public static SqlDialect of(String jdbcUrl) {
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")) {
            return new SqlDialect(true);
        }
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
            return new SqlDialect(false);
        }
        throw new IllegalStateException("spring.datasource.url '" + String.valueOf(jdbcUrl).replaceFirst("\\?.*", "")
                + "' is not supported: the router keeps its data in embedded H2 (leave spring.datasource.url empty)"
                + " or in PostgreSQL (jdbc:postgresql://...)");
    }

    /**
     * Writes every committed transaction to the database file; with {@code sync}, forces it to the disk too. Null
     * when a commit is already as durable as the database is configured to make it (PostgreSQL: its WAL, flushed at
     * commit unless synchronous_commit is off).
     */
    public String flush(boolean sync) {
        if (!h2) {
            return null;
        }
        return sync ? "checkpoint sync" : "checkpoint";
    }

    /**
     * Makes the current transaction's commit return before it is on disk, or null where commits are not forced
     * anyway (H2 writes what is not flushed within its write delay). For work that is redone when lost, never for
     * an acknowledged webhook.
     */
    public String lazyCommit() {
        return h2 ? null : "set local synchronous_commit to off";
    }

    /**
     * Whether other processes may share the database. Embedded H2 is opened by one process at a time, so at start no
     * lease in it can belong to a router still running; PostgreSQL may be shared by several routers.
     */
    public boolean shared() {
        return !h2;
    }

    /**
     * The locking clause for a subquery choosing rows to claim: rows another instance is claiming right now are
     * passed over rather than waited for. H2 has no SKIP LOCKED; one process claims there, and the claim's update
     * re-checks its condition under the row lock.
     */
    public String skipLocked() {
        return h2 ? "" : " for update skip locked";
    }

    /** An update returning a column of the rows it changed. */
    public String returning(String update, String column) {
        return h2 ? "select " + column + " from final table (" + update + ")" : update + " returning " + column;
    }

    /**
     * The tail of an insert that leaves a row alone when one with the same key exists: on PostgreSQL a concurrent
     * insert of that key (another instance's) waits for its transaction and then inserts nothing, rather than
     * failing the whole transaction. H2's inserts all come from one process, which checks first.
     */
    public String onConflictDoNothing(String keyColumn) {
        return h2 ? "" : " on conflict (" + keyColumn + ") do nothing";
    }
}
