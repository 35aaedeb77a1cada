package io.cmsrouter.settings;

import io.cmsrouter.common.InvalidSettingsException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns settings the router cannot start with into Spring Boot's "APPLICATION FAILED TO START" block: every problem,
 * one per line, and what to do, with no stack trace. Registered in META-INF/spring.factories.
 */
public class InvalidSettingsFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingsException cause) {
        int n = cause.problems().size();
        String description = "The router's settings have " + (n == 1 ? "a problem" : n + " problems") + ":\n\n  - "
                + String.join("\n  - ", cause.problems());
        String action = "Change " + (n == 1 ? "this setting" : "these settings") + " in config/application.yaml, or"
                + " through the environment variables named (README \"Configuration\"), and start the router again.";
        return new FailureAnalysis(description, action, cause);
    }
}
