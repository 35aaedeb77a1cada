package io.cmsrouter.store;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL that differs between databases, in one place; every other statement is plain SQL that H2 and PostgreSQL
 * both run. Only H2 is supported so far: its schema lives in {@code db/migration/h2}.
 */
public final class SqlDialect {
    private final String vendor;

    private SqlDialect(String vendor) {
        this.vendor = vendor;
    }

    /** The dialect of a JDBC URL; a database the router has no schema for stops the start with the reason. */
    public static SqlDialect of(String jdbcUrl) {
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")) {
            return new SqlDialect("h2");
        }
        throw new IllegalStateException("spring.datasource.url '" + String.valueOf(jdbcUrl).replaceFirst("\\?.*", "")
                + "' is not supported: the router keeps its data in embedded H2 (leave spring.datasource.url empty)");
    }

    public String vendor() {
        return vendor;
    }

    /** Inserts the row, or updates every non-key column of the row with the same key. */
    public String upsert(String table, List<String> keys, List<String> columns) {
        String placeholders = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        return "merge into " + table + " (" + String.join(", ", columns) + ") key (" + String.join(", ", keys)
                + ") values (" + placeholders + ")";
    }

    /** Writes every committed transaction to the database file; with {@code sync}, forces it to the disk too. */
    public String flush(boolean sync) {
        return sync ? "checkpoint sync" : "checkpoint";
    }
}
