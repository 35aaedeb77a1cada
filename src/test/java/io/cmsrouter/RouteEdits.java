package io.cmsrouter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A copy of routes/ that a test edits as an operator would, so that the repository's own files stay as they are:
 * {@link #pattern()} goes in {@code camel.main.routes-include-pattern}.
 */
final class RouteEdits {
    private final Path directory;

    RouteEdits() {
        directory = Path.of("target", "route-edits", UUID.randomUUID().toString());
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            Files.createDirectories(directory);
            for (Path file : files.toList()) {
                Files.copy(file, directory.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String pattern() {
        return "file:" + directory + "/*.camel.yaml";
    }

    /** The file's name as the router reports it. */
    String name(String file) {
        return directory.resolve(file).toString();
    }

    String read(String file) {
        try {
            return Files.readString(directory.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(String file, String text) {
        try {
            Files.writeString(directory.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts {@code lines} before the first line that contains {@code anchor}; the line number they start at. */
    int insertBefore(String file, String anchor, String lines) {
        String text = read(file);
        int at = text.indexOf(anchor);
        if (at < 0) {
            throw new IllegalArgumentException(file + " has no " + anchor);
        }
        int lineStart = text.lastIndexOf('\n', at) + 1;
        write(file, text.substring(0, lineStart) + lines + text.substring(lineStart));
        return (int) text.substring(0, lineStart).chars().filter(c -> c == '\n').count() + 1;
    }

    /** Replaces the one occurrence of {@code from}: an operator's edit of a value. */
    void change(String file, String from, String to) {
        String text = read(file);
        if (text.indexOf(from) < 0 || text.indexOf(from) != text.lastIndexOf(from)) {
            throw new IllegalArgumentException(file + " must hold " + from + " once");
        }
        write(file, text.replace(from, to));
    }

    void delete(String file) {
        try {
            Files.delete(directory.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
