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
    void antStylePatternsAndListsAreReadAsCamelReadsThem() throws Exception {
        Path nested = Files.createDirectories(dir.resolve("team/a"));
        Path bad = Files.writeString(nested.resolve("x.camel.yaml"), "- route:\n    id: broken\n      from: direct:x\n");

        assertThat(RouteFiles.problems("file:" + dir + "/**/*.camel.yaml")).singleElement().asString()
                .startsWith(bad + " line 3, column 11: not valid YAML");
        // one pattern of a list may match nothing while another has the routes
        Files.delete(bad);
        Files.writeString(nested.resolve("x.camel.yaml"), "- route:\n    id: fine\n");
        assertThat(RouteFiles.problems("file:" + dir + "/none/*.yaml, file:" + dir + "/**/*.camel.yaml")).isEmpty();
    }

    @Test
    void patternsMatchingNothingOrNoPatternAtAllAreAProblem() {
        assertThat(RouteFiles.problems("file:" + dir + "/*.camel.yaml")).singleElement().asString().startsWith(
                "camel.main.routes-include-pattern (CAMEL_MAIN_ROUTES_INCLUDE_PATTERN) file:" + dir
                        + "/*.camel.yaml: no route file matches it");
        assertThat(RouteFiles.problems("file:" + dir.resolve("missing") + "/*.camel.yaml")).singleElement().asString()
                .contains("no route file matches it");
        assertThat(RouteFiles.problems(" ")).singleElement().asString()
                .endsWith("is empty: the router would start without its routes");
    }

    @Test
    void classpathPatternsAreLeftToCamel() {
        assertThat(RouteFiles.problems("classpath:camel/*.yaml")).isEmpty();
    }
}
