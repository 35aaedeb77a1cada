package io.cmsrouter.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * H2 keeps a statement's plan for the life of a connection, so a plan made on the empty tables of a new database
 * must already use the right index: an item's result is found by its primary key, not by scanning its execution.
 */
class QueryPlansTest {

    @Test
    void anItemsResultIsUpdatedByItsPrimaryKeyOnANewDatabase() {
        SimpleDriverDataSource db = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:mem:plans-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "router", "");
        Flyway.configure().dataSource(db).locations("classpath:db/migration/h2").load().migrate();

        String plan = new JdbcTemplate(db).queryForObject("explain update execution_item set status = 'succeeded',"
                + " attempts = attempts + 1 where execution_uid = random_uuid() and item_key = 'entry|a|b|en-us|production'",
                String.class);

        assertThat(plan).contains("PRIMARY_KEY").doesNotContain("CONSTRAINT_INDEX");
    }
}
