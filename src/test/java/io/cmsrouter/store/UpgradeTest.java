package io.cmsrouter.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written by the previous release (schema V4) is migrated with its rows: an execution still waiting to
 * run keeps its event, its dedupe record and its place; applied items, notifications and cached content stay.
 */
class UpgradeTest {

    @Test
    void theLastReleasesDataSurvivesTheMigration() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "upgrade-");
        SimpleDriverDataSource db = new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:file:" + dir.toAbsolutePath().resolve("router") + ";DB_CLOSE_DELAY=-1", "router", "");
        Flyway.configure().dataSource(db).locations("classpath:db/migration/h2", "classpath:db/migration/common").target("4").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(db);
        String pending = UUID.randomUUID().toString();
        String done = UUID.randomUUID().toString();
        Timestamp now = Timestamp.from(Instant.parse("2026-11-20T10:00:00Z"));
        String event = "{\"module\":\"entry\",\"event\":\"publish\",\"data\":{\"entry\":{\"uid\":\"blt1\",\"title\":\"é\"}}}";
        for (String uid : new String[] {pending, done}) {
            jdbc.update("insert into execution (uid, created_at, updated_at, status, module, event, channels, event_data,"
                            + " event_headers, event_body, subject) values (?, ?, ?, ?, 'entry', 'publish', '[]', ?, ?, ?, ?)",
                    uid, now, now, uid.equals(pending) ? "received" : "succeeded", "{\"redacted\":true}",
                    "{\"content-type\":\"application/json\"}", event, "ENTRY|article|blt1");
        }
        jdbc.update("insert into delivery (fingerprint, execution_uid, received_at) values (?, ?, ?)", "ab".repeat(32),
                pending, now);
        jdbc.update("insert into execution_item (execution_uid, item_key, type, content_type_uid, uid, locale,"
                + " environment, action, version, status, attempts, updated_at, title, url, notified) values"
                + " (?, 'entry|article|blt1|en-us|env', 'entry', 'article', 'blt1', 'en-us', 'production', 'publish', 3,"
                + " 'succeeded', 1, ?, 'Title', '/url', true)", done, now);
        jdbc.update("insert into notification (uid, execution_uid, target, status, item_count, payload, attempts,"
                + " created_at, updated_at) values ('msg_1', ?, 'cdn', 'pending', 1, '{\"items\":[]}', 0, ?, ?)", done, now, now);
        jdbc.update("insert into content_item (cache_key, type, content_type_uid, uid, environment, locale, body,"
                + " version, event_time, updated_at) values ('entry|production|en-us|article|blt1', 'entry', 'article',"
                + " 'blt1', 'production', 'en-us', '{\"title\":\"é\"}', 3, ?, ?)", now, now);

        Flyway.configure().dataSource(db).locations("classpath:db/migration/h2", "classpath:db/migration/common").load().migrate();

        Map<String, Object> waiting = jdbc.queryForMap("select e.status, w.body, w.headers from execution e"
                + " join webhook_event w on w.execution_uid = e.uid where e.uid = ?", UUID.fromString(pending));
        assertThat(waiting.get("STATUS")).isEqualTo("received");
        assertThat(new String((byte[]) waiting.get("BODY"), StandardCharsets.UTF_8)).isEqualTo(event);
        assertThat(new String((byte[]) waiting.get("HEADERS"), StandardCharsets.UTF_8)).contains("content-type");
        assertThat(jdbc.queryForObject("select execution_uid from delivery where fingerprint = ?", UUID.class,
                "ab".repeat(32))).isEqualTo(UUID.fromString(pending));
        assertThat(jdbc.queryForObject("select title from execution_item where execution_uid = ?", String.class,
                UUID.fromString(done))).isEqualTo("Title");
        assertThat(new String(jdbc.queryForObject("select payload from notification where uid = 'msg_1'", byte[].class),
                StandardCharsets.UTF_8)).isEqualTo("{\"items\":[]}");
        assertThat(new String(jdbc.queryForObject("select body from content_item", byte[].class), StandardCharsets.UTF_8))
                .isEqualTo("{\"title\":\"é\"}");
        // new notifications get ids after the old ones
        jdbc.update("insert into notification (uid, execution_uid, target, status, item_count, payload, attempts,"
                + " created_at, updated_at) values ('msg_2', ?, 'cdn', 'pending', 1, X'00', 0, ?, ?)", UUID.fromString(done),
                now, now);
        assertThat(jdbc.queryForList("select uid from notification order by id", String.class))
                .containsExactly("msg_1", "msg_2");
    }
}
