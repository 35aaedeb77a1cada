package io.cmsrouter.store;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * The router's database: embedded H2 in files under {@code router.data-dir} unless {@code spring.datasource.url}
 * names another. H2 refuses paths relative to the working directory, so the data dir is made absolute here.
 * <p>
 * H2 writes committed transactions to its file from a background thread every {@link #WRITE_DELAY_MS} ms (which
 * also compacts the file). What must be on disk before it is answered, an acknowledged webhook above all, is
 * written at once by {@link Durability#flush()}.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {
    /** H2's own default; bounds what a killed process can lose of work it had not acknowledged to anyone. */
    static final int WRITE_DELAY_MS = 500;

    @Bean
    public DataSource dataSource(DataSourceProperties properties, @Value("${router.data-dir}") String dataDir) {
        properties.setUrl(url(properties, dataDir));
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }

    @Bean
    public SqlDialect sqlDialect(DataSourceProperties properties, @Value("${router.data-dir}") String dataDir) {
        return SqlDialect.of(url(properties, dataDir));
    }

    private static String url(DataSourceProperties properties, String dataDir) {
        return url(properties.getUrl(), dataDir);
    }

    /** The database's JDBC URL: {@code spring.datasource.url} if set, else embedded H2 under the data dir. */
    public static String url(String configured, String dataDir) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path database = Path.of(dataDir).toAbsolutePath().normalize().resolve("db").resolve("router");
        return "jdbc:h2:file:" + database + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=" + WRITE_DELAY_MS;
    }
}
