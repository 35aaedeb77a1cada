package io.cmsrouter.reload;

import java.util.List;

/** A route set that must not replace the running one; the running routes are unchanged. */
public class InvalidRoutesException extends RuntimeException {
    private final transient List<RouteProblem> problems;

    public InvalidRoutesException(List<RouteProblem> problems) {
        super(problems.get(0).describe() + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        this.problems = List.copyOf(problems);
    }

    public List<RouteProblem> getProblems() {
        return problems;
    }
}
