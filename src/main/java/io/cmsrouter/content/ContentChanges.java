package io.cmsrouter.content;

import com.github.benmanes.caffeine.cache.Cache;
import io.cmsrouter.store.SqlDialect;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps every instance's in-memory content cache true to the store. A write announces the keys it changed on
 * PostgreSQL's channel {@value #CHANNEL} inside its transaction, so the announcement goes out when, and only if, it
 * commits; every instance listens on its own connection and drops those keys, and the next read loads them. An
 * instance serves a changed item stale for no longer than the announcement takes to reach it. While it is not
 * listening (starting, or its connection was lost) it caches nothing and reads the store; when it listens again it
 * starts from an empty cache.
 * <p>
 * Embedded H2 has one process, whose writes drop their keys themselves ({@link ContentStore}); nothing is sent.
 */
@Component
public class ContentChanges {
    private static final Logger LOG = LoggerFactory.getLogger(ContentChanges.class);
    static final String CHANNEL = "router_content";
    /** PostgreSQL's limit on a notification's payload is 8,000 bytes; keys are sent in chunks below it. */
    private static final int PAYLOAD = 7_000;
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private final Cache<String, byte[]> content;
    private final DataSourceProperties dataSource;
    private final boolean shared;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean listening;
    private Thread listener;

    public ContentChanges(JdbcTemplate jdbc, Cache<String, byte[]> content, DataSourceProperties dataSource,
                          SqlDialect dialect) {
        this.jdbc = jdbc;
        this.content = content;
        this.dataSource = dataSource;
        this.shared = dialect.shared();
    }

    /** Whether what is cached here can be trusted: always with H2; on PostgreSQL while the listener is listening. */
    public boolean cacheable() {
        return !shared || listening;
    }

    /** Tells the other instances, once the current transaction commits, that these keys changed. */
    public void announce(Collection<String> keys) {
        if (!shared || keys.isEmpty()) {
            return;
        }
        for (String payload : payloads(keys)) {
            jdbc.queryForList("select pg_notify(?, ?)", CHANNEL, payload);
        }
    }

    /** Keys joined by newlines (a key holds none), in payloads under PostgreSQL's limit. */
    static List<String> payloads(Collection<String> keys) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        int size = 0;
        for (String key : keys) {
            int bytes = key.getBytes(StandardCharsets.UTF_8).length;
            if (size > 0 && size + 1 + bytes > PAYLOAD) {
                payloads.add(payload.toString());
                payload.setLength(0);
                size = 0;
            }
            size += (size > 0 ? 1 : 0) + bytes;
            payload.append(payload.length() > 0 ? "\n" : "").append(key);
        }
        if (payload.length() > 0) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    @PostConstruct
    void start() {
        if (shared) {
            listener = new Thread(this::listen, "content-changes");
            listener.setDaemon(true);
            listener.start();
        }
    }

    private void listen() {
        while (stopped.getCount() > 0) {
            try (Connection connection = DriverManager.getConnection(dataSource.determineUrl(),
                    dataSource.determineUsername(), dataSource.determinePassword())) {
                try (Statement listen = connection.createStatement()) {
                    listen.execute("listen " + CHANNEL);
                }
                // what was cached while nobody listened may have changed meanwhile
                content.invalidateAll();
                listening = true;
                PGConnection pg = connection.unwrap(PGConnection.class);
                long checkedAt = System.nanoTime();
                while (stopped.getCount() > 0) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            content.invalidateAll(List.of(n.getParameter().split("\n")));
                        }
                    }
                    if (System.nanoTime() - checkedAt > CHECK_EVERY.toNanos()) {
                        // a connection a firewall dropped without a word would otherwise wait for notifications forever
                        checkAlive(connection);
                        checkedAt = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (listening) {
                    LOG.warn("Content cache: lost the change announcements ({}); reading the store until they are"
                            + " back", e.toString());
                }
                listening = false;
                content.invalidateAll();
                try {
                    stopped.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static void checkAlive(Connection connection) throws SQLException {
        try (Statement check = connection.createStatement()) {
            check.setQueryTimeout((int) CHECK_EVERY.toSeconds());
            check.execute("select 1");
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopped.countDown();
        listening = false;
        if (listener != null) {
            listener.join(2_000);
        }
    }
}
