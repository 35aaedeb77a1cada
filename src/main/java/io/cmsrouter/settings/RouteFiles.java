package io.cmsrouter.settings;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The route files {@code camel.main.routes-include-pattern} names on disk ({@code file:} patterns, Ant-style as
 * Camel reads them: {@code file:routes/*.camel.yaml}, {@code file:routes/**}{@code /*.yaml}), checked before Camel
 * loads them: that there are some, that each can be read, and that each is YAML, with the file, line and column of
 * the first syntax error. Classpath patterns are left to Camel.
 */
public final class RouteFiles {
    private static final String SETTING = "camel.main.routes-include-pattern (CAMEL_MAIN_ROUTES_INCLUDE_PATTERN)";

    private RouteFiles() {
    }

    static List<String> problems(String includePattern) {
        List<String> patterns = patterns(includePattern);
        if (patterns.isEmpty()) {
            return List.of(SETTING + " is empty: the router would start without its routes");
        }
        List<String> problems = new ArrayList<>();
        List<Resource> files = new ArrayList<>();
        for (String pattern : patterns) {
            try {
                files.addAll(files(pattern));
            } catch (IOException | RuntimeException e) {
                problems.add(SETTING + " " + pattern + " cannot be read: " + e.getMessage());
            }
        }
        boolean onlyFiles = patterns.stream().allMatch(pattern -> pattern.startsWith("file:"));
        if (onlyFiles && files.isEmpty() && problems.isEmpty()) {
            problems.add(SETTING + " " + includePattern + ": no route file matches it (relative paths start at "
                    + java.nio.file.Path.of("").toAbsolutePath() + ")");
        }
        files.stream().map(RouteFiles::problem).flatMap(Optional::stream).forEach(problems::add);
        return problems;
    }

    /** The files on disk that the include pattern names now, in a stable order (classpath patterns are skipped). */
    public static List<Resource> resolve(String includePattern) throws IOException {
        List<Resource> files = new ArrayList<>();
        for (String pattern : patterns(includePattern)) {
            files.addAll(files(pattern));
        }
        files.sort(java.util.Comparator.comparing(RouteFiles::name));
        return files;
    }

    private static List<String> patterns(String includePattern) {
        List<String> patterns = new ArrayList<>();
        for (String pattern : includePattern.split(",")) {
            if (!pattern.isBlank()) {
                patterns.add(pattern.trim());
            }
        }
        return patterns;
    }

    private static List<Resource> files(String pattern) throws IOException {
        List<Resource> files = new ArrayList<>();
        if (pattern.startsWith("file:")) {
            for (Resource file : new PathMatchingResourcePatternResolver().getResources(pattern)) {
                if (file.exists()) {
                    files.add(file);
                }
            }
        }
        return files;
    }

    /** What is wrong with one route file: unreadable, or not YAML (where). Syntax only: Camel checks the rest. */
    static Optional<String> problem(Resource file) {
        String name = name(file);
        try (Reader reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
            new Yaml(new LoaderOptions()).parse(reader).forEach(event -> { });
            return Optional.empty();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            return Optional.of(name + where + ": not valid YAML: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
        } catch (IOException | RuntimeException e) {
            return Optional.of(name + " cannot be read: " + e.getMessage());
        }
    }

    private static String name(Resource file) {
        try {
            return file.getFile().getPath();
        } catch (IOException notAFile) {
            return file.getDescription();
        }
    }
}
