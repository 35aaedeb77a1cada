package io.cmsrouter.settings;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The route files {@code camel.main.routes-include-pattern} names on disk ({@code file:} patterns such as
 * {@code file:routes/*.camel.yaml}, relative to the working directory), checked before Camel loads them: that there
 * are some, that each can be read, and that each is YAML, with the file, line and column of the first syntax error.
 * Classpath patterns are left to Camel.
 */
final class RouteFiles {
    private RouteFiles() {
    }

    static List<String> problems(String includePattern) {
        List<String> problems = new ArrayList<>();
        for (String pattern : includePattern.split(",")) {
            pattern = pattern.trim();
            if (pattern.startsWith("file:")) {
                problems.addAll(checkFiles(pattern));
            }
        }
        return problems;
    }

    private static List<String> checkFiles(String pattern) {
        Path glob = Path.of(pattern.substring("file:".length()));
        Path dir = glob.getParent() == null ? Path.of("") : glob.getParent();
        String setting = "camel.main.routes-include-pattern (" + pattern + ")";
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> matches = Files.newDirectoryStream(dir, glob.getFileName().toString())) {
            matches.forEach(files::add);
        } catch (IOException e) {
            return List.of(setting + ": the directory " + dir.toAbsolutePath() + " cannot be read (" + e + ")");
        }
        if (files.isEmpty()) {
            return List.of(setting + ": no route file matches it in " + dir.toAbsolutePath());
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files.stream().sorted().toList()) {
            problem(file).ifPresent(problems::add);
        }
        return problems;
    }

    /** What is wrong with one route file: unreadable, or not YAML (where). */
    static Optional<String> problem(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader).forEach(document -> { });
            return Optional.empty();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            return Optional.of(file + where + ": not valid YAML: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
        } catch (IOException | RuntimeException e) {
            return Optional.of(file + " cannot be read: " + e.getMessage());
        }
    }
}
