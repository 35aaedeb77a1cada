package io.cmsrouter.common;

import java.util.List;

/**
 * The router cannot start with the settings it was given. Each problem is a sentence naming the setting to change
 * (its key, and the environment variable that sets it where that helps) and what is wrong with it; they are reported
 * together at start (io.cmsrouter.settings.InvalidSettingsFailureAnalyzer), without a stack trace.
 */
public class InvalidSettingsException extends RuntimeException {
    private final transient List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
