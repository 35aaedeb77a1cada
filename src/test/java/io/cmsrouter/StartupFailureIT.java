package io.cmsrouter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged router started as an operator would, with settings it cannot run with: it stops with exit code 1 and
 * Spring Boot's "APPLICATION FAILED TO START" block naming every problem and the setting to change, and prints no
 * stack trace.
 */
class StartupFailureIT {
    @TempDir
    Path temp;

    @Test
    void everyProblemIsListedAtOnceWithoutAStackTrace() throws Exception {
        Path routes = Files.createDirectories(temp.resolve("routes"));
        Files.writeString(routes.resolve("router.camel.yaml"), "- route:\n    id: broken\n      from: direct:x\n");
        Path notADirectory = Files.writeString(temp.resolve("data"), "a file where the data dir should be");

        Result result = start(Path.of("").toAbsolutePath(),
                "--router.admin-token=",
                "--router.data-dir=" + notADirectory,
                "--camel.main.routes-include-pattern=file:" + routes + "/*.camel.yaml",
                "--router.targets[0].name=cdn",
                "--router.targets[0].url=https://purge.example.com/hook",
                "--router.targets[0].channels[0]=*");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("APPLICATION FAILED TO START", "The router's settings have 4 problems:",
                "  - router.admin-token (ROUTER_ADMIN_TOKEN) is not set",
                "  - router.targets[0] (cdn).secret must be whsec_",
                "  - " + routes.resolve("router.camel.yaml") + " line 3, column 11: not valid YAML",
                "  - router.data-dir (ROUTER_DATA_DIR) " + notADirectory + ": the database cannot be opened",
                "Action:", "config/application.yaml");
        assertNoStackTrace(result);
    }

    @Test
    void aRouterStartedOutsideItsDirectorySaysWhereItLookedForItsSettings() throws Exception {
        Result result = start(temp);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("APPLICATION FAILED TO START",
                "config/application.yaml was not found: the router reads it, and its routes/, from the working"
                        + " directory (" + temp.toRealPath() + ")",
                "SPRING_CONFIG_ADDITIONAL_LOCATION");
        assertNoStackTrace(result);
    }

    private static void assertNoStackTrace(Result result) {
        assertThat(result.output().lines().filter(line -> line.startsWith("\tat ") || line.startsWith("Caused by:")))
                .as("stack trace lines in:%n%s", result.output()).isEmpty();
        // the banner, a few lines of start-up, the block
        assertThat(result.output().lines().count()).as(result.output()).isLessThan(40);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result start(Path workingDirectory, String... settings) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Path.of(System.getProperty("router.jar")).toAbsolutePath().toString(), "--server.port=0"));
        command.addAll(List.of(settings));
        File log = Files.createTempFile("startup-failure", ".log").toFile();
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                .redirectOutput(log).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the router did not stop: " + Files.readString(log.toPath()));
        }
        return new Result(process.exitValue(), Files.readString(log.toPath()));
    }
}
