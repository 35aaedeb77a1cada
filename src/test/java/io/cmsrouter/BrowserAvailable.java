package io.cmsrouter;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The browser test (DashboardBrowserTest) needs Node.js, playwright-core under src/test/ui/node_modules and Debian's
 * Chromium. Where one is missing it is skipped, with a notice on the console, unless
 * ROUTER_TEST_BROWSER_REQUIRED=true (CI, which installs them): then it runs and fails.
 */
public class BrowserAvailable implements ExecutionCondition {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCRIPTS = Path.of("src/test/ui");
    private static boolean noticed;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> missing = missing();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("node, playwright-core and Chromium are installed");
        }
        if ("true".equals(System.getenv("ROUTER_TEST_BROWSER_REQUIRED"))) {
            return ConditionEvaluationResult.enabled("ROUTER_TEST_BROWSER_REQUIRED=true: runs, and fails");
        }
        notice(missing);
        return ConditionEvaluationResult.disabled("missing " + String.join(", ", missing));
    }

    private static synchronized void notice(List<String> missing) {
        if (noticed) {
            return;
        }
        noticed = true;
        System.err.println("""

                ********************************************************************************
                *** The dashboard's browser tests (DashboardBrowserTest) are SKIPPED: missing
                *** %s.
                *** To run them: apt-get install chromium; Node.js 18 or later with npm
                *** (Debian: apt-get install nodejs npm); then npm ci --prefix src/test/ui.
                *** .ci/run does all of it.
                ********************************************************************************
                """.formatted(String.join(", ", missing)));
    }

    /** What the browser test needs and this machine lacks, each with where it was looked for. */
    static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (node().isEmpty()) {
            missing.add("node (on the PATH)");
        }
        if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
            missing.add("playwright-core (" + SCRIPTS.resolve("node_modules") + ")");
        }
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add("Chromium (" + CHROMIUM + ")");
        }
        return missing;
    }

    static Optional<Path> node() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "node"))
                .filter(Files::isExecutable)
                .findFirst();
    }
}
