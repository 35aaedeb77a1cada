package io.cmsrouter.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * H2 keeps a statement's plan for the life of a connection, so a plan made on the empty tables of a new database
 * must already use the right index: an item's result is found by its primary key, not by scanning its execution.
 */
class QueryPlansTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "update execution_item set status = 'succeeded', attempts = attempts + 1 where execution_uid = ?1"
                    + " and item_key = ?2",
            "select retry_until from execution_item where execution_uid = ?1 and item_key = ?2"
                    + " and retry_until is not null"})
    void anItemsResultIsFoundByItsPrimaryKeyOnANewDatabase(String statement) {
        DataSource db = MigratedH2.create();

        String plan = new JdbcTemplate(db).queryForObject("explain " + statement, String.class,
                UUID.randomUUID(), "entry|a|b|en-us|production");

        // the foreign key's index is EXECUTION_ITEM_EXECUTION_INDEX_n, or CONSTRAINT_INDEX_n when it has no name
        assertThat(plan).contains("PRIMARY_KEY").doesNotContain("EXECUTION_ITEM_EXECUTION", "CONSTRAINT_INDEX");
    }
}
