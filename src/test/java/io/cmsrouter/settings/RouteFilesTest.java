package io.cmsrouter.settings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What the start-up check says of the route files a pattern names. */
class RouteFilesTest {
    @TempDir
    Path dir;

    @Test
    void theRepositorysRoutesAreFine() {
        assertThat(RouteFiles.problems("file:routes/*.camel.yaml")).isEmpty();
    }

    @Test
    void aSyntaxErrorIsReportedWithItsFileLineAndColumn() throws Exception {
        Files.writeString(dir.resolve("good.camel.yaml"), "- route:\n    id: fine\n");
        Path bad = Files.writeString(dir.resolve("bad.camel.yaml"), "- route:\n    id: x\n    from: [direct:x\n");

        assertThat(RouteFiles.problems("file:" + dir + "/*.camel.yaml")).singleElement().asString()
                .startsWith(bad + " line 4, column 1: not valid YAML: expected ',' or ']'");
    }

    @Test
    void aPatternMatchingNothingIsAProblem() {
        assertThat(RouteFiles.problems("file:" + dir + "/*.camel.yaml")).containsExactly(
                "camel.main.routes-include-pattern (file:" + dir + "/*.camel.yaml): no route file matches it in " + dir);
        assertThat(RouteFiles.problems("file:" + dir.resolve("missing") + "/*.camel.yaml")).singleElement().asString()
                .contains("the directory " + dir.resolve("missing") + " cannot be read");
    }

    @Test
    void classpathPatternsAreLeftToCamel() {
        assertThat(RouteFiles.problems("classpath:camel/*.yaml")).isEmpty();
    }
}
