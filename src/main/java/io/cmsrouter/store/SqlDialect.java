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
}
