package io.cmsrouter.execution;

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
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    @Bean
    public DataSource dataSource(DataSourceProperties properties, @Value("${router.data-dir}") String dataDir) {
        if (properties.getUrl() == null || properties.getUrl().isBlank()) {
            Path database = Path.of(dataDir).toAbsolutePath().normalize().resolve("db").resolve("router");
            // WRITE_DELAY=0: a commit reaches the file before the webhook is acknowledged; H2's default writes it
            // up to a second later, and a killed process would lose an event it had already acked
            properties.setUrl("jdbc:h2:file:" + database + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        }
        return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
    }
}
