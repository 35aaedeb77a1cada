package io.cmsrouter.reload;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The answer of GET /admin/routes and of a reload: the route files, each running route with its file, and how the
 * last reload ended (null before the first), which is where a refused save is seen when the files are watched.
 */
public record RunningRoutes(List<String> files, List<RunningRoute> routes,
                            @JsonProperty("last_reload") LastReload lastReload) {

    /** A route, the file it came from (null for one the router made, such as a target's), and its status. */
    public record RunningRoute(String id, String file, String status) {
    }

    /**
     * {@code reloaded}, {@code unchanged} (the files were as running), {@code refused} (see problems), {@code busy}
     * (another reload, or a route that did not finish its work in time: nothing changed) or {@code failed}.
     */
    public record LastReload(String outcome, String at, List<RouteProblem> problems) {
    }
}
