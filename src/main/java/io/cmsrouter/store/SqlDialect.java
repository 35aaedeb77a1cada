package io.cmsrouter.store;

/**
 * The SQL that differs between databases, in one place; every other statement is plain SQL that H2 and PostgreSQL
 * both run. Only H2 is supported so far: its schema lives in {@code db/migration/h2}.
 */
public final class SqlDialect {

    private SqlDialect() {
    }

    /** The dialect of a JDBC URL; a database the router has no schema for stops the start with the reason. */
    public static SqlDialect of(String jdbcUrl) {
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")) {
            return new SqlDialect();
        }
        throw new IllegalStateException("spring.datasource.url '" + String.valueOf(jdbcUrl).replaceFirst("\\?.*", "")
                + "' is not supported: the router keeps its data in embedded H2 (leave spring.datasource.url empty)");
    }

    /** Writes every committed transaction to the database file; with {@code sync}, forces it to the disk too. */
    public String flush(boolean sync) {
        return sync ? "checkpoint sync" : "checkpoint";
    }
}
