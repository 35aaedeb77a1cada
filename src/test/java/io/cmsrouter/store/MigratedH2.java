package io.cmsrouter.store;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;
import java.util.UUID;

/** A new in-memory H2 database of the tests' own, migrated as the router migrates its embedded one. */
public final class MigratedH2 {
    private MigratedH2() {
    }

    public static DataSource create() {
        SimpleDriverDataSource db = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "router", "");
        Flyway.configure().dataSource(db).locations("classpath:db/migration/h2", "classpath:db/migration/common")
                .load().migrate();
        return db;
    }
}
