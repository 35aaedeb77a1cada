package io.cmsrouter.settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the start-up check says of a database it cannot open, and that it never repeats a credential. */
class DatabaseCheckTest {
    @TempDir
    Path dir;

    @Test
    void theEmbeddedDatabaseOpens() {
        assertThat(DatabaseCheck.problems(new MockEnvironment(), dir.toString())).isEmpty();
    }

    @Test
    void aDataDirThatCannotHoldTheDatabaseIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "a file");

        assertThat(DatabaseCheck.problems(new MockEnvironment(), file.toString())).singleElement().asString()
                .startsWith("router.data-dir (ROUTER_DATA_DIR) " + file + ": the database cannot be opened: ");
    }

    @Test
    void credentialsInTheUrlOrThePasswordAreNeverShown() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("spring.datasource.url", "jdbc:postgres://admin:s3cret@db.example/router?password=s3cret")
                .withProperty("spring.datasource.password", "s3cret");

        assertThat(DatabaseCheck.problems(env, dir.toString())).singleElement().asString()
                .isEqualTo("spring.datasource.url (SPRING_DATASOURCE_URL) jdbc:postgres://db.example/router: not a JDBC"
                        + " URL of a database the router supports (jdbc:postgresql://host:5432/db, or empty for the"
                        + " embedded H2)");

        env.setProperty("spring.datasource.url", "jdbc:postgresql://admin:s3cret@localhost:1/router?password=s3cret");
        assertThat(DatabaseCheck.problems(env, dir.toString())).singleElement().asString()
                .startsWith("spring.datasource.url (SPRING_DATASOURCE_URL) jdbc:postgresql://localhost:1/router: the"
                        + " database cannot be opened")
                .doesNotContain("s3cret");
    }
}
