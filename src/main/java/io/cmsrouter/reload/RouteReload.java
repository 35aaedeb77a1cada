package io.cmsrouter.reload;

import io.cmsrouter.common.WebhookGate;
import io.cmsrouter.downstream.TargetRoutes;
import io.cmsrouter.execution.Backlog;
import io.cmsrouter.intake.DispatchPause;
import io.cmsrouter.settings.RouteFiles;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Route files edited while the router runs: read again, checked as a whole (RouteFile, RouteSetCheck), and only
 * then swapped in, file by file (RouteSwap). A set with a problem changes nothing. One reload at a time.
 */
@Component
public class RouteReload implements CamelContextConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(RouteReload.class);

    private final CamelContext camel;
    private final String includePattern;
    private final RouteSwap swap;
    private final ReentrantLock turn = new ReentrantLock();
    private volatile Map<String, String> running = Map.of();
    private volatile RunningRoutes.LastReload last;
    private volatile boolean started;
    private Set<String> components;

    public RouteReload(CamelContext camel, TargetRoutes targetRoutes, WebhookGate gate, DispatchPause dispatch,
                       Backlog backlog, @Value("${camel.main.routes-include-pattern}") String includePattern,
                       @Value("${router.routes.drain-timeout}") Duration drainTimeout) {
        this.camel = camel;
        this.includePattern = includePattern;
        this.swap = new RouteSwap(camel, targetRoutes, gate, dispatch, backlog, drainTimeout);
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the files as Camel is about to load them
        running = read();
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        started = true;
    }

    /** Reads the route files again and, when the set is sound, runs it; the routes running afterwards. */
    public RunningRoutes reload() {
        if (!started) {
            throw new RoutesBusyException("the routes are still starting", true);
        }
        if (!turn.tryLock()) {
            throw new RoutesBusyException("a route reload is under way", true);
        }
        try {
            Map<String, String> now = read();
            List<RouteProblem> problems = new ArrayList<>();
            List<RouteFile> files = new ArrayList<>();
            for (Map.Entry<String, String> file : now.entrySet()) {
                try {
                    files.add(RouteFile.parse(camel, file.getKey(), file.getValue()));
                } catch (InvalidRoutesException e) {
                    problems.addAll(e.getProblems());
                }
            }
            if (problems.isEmpty()) {
                problems.addAll(RouteSetCheck.problems(camel, components(), files, running.entrySet().stream()
                        .map(file -> RouteFile.unparsed(file.getKey(), file.getValue())).toList()));
            }
            if (!problems.isEmpty()) {
                problems.forEach(problem -> LOG.warn("Route reload refused: {}", problem.describe()));
                throw new InvalidRoutesException(problems);
            }
            boolean changed = !now.equals(running);
            if (changed) {
                swap.swap(running, now);
                running = now;
                LOG.info("Routes reloaded: {} routes from {} files", camel.getRoutes().size(), now.size());
            }
            ended(changed ? "reloaded" : "unchanged", List.of());
            return running();
        } catch (InvalidRoutesException e) {
            ended("refused", e.getProblems());
            throw e;
        } catch (UncheckedIOException e) {
            throw refused(new RouteProblem(null, null, null, e.getMessage()));
        } catch (RoutesBusyException e) {
            ended("busy", List.of(new RouteProblem(null, null, null, e.getMessage())));
            throw e;
        } catch (RoutesBrokenException e) {
            LOG.error("Route reload failed, and the previous routes could not be put back", e);
            ended("failed", List.of(new RouteProblem(null, null, null, e.getMessage())));
            throw e;
        } catch (Exception e) {
            LOG.warn("Route reload failed; the previous routes run", e);
            RouteProblem problem = new RouteProblem(null, null, null,
                    "the new routes failed to start, so the previous ones run again: " + e.getMessage());
            ended("failed", List.of(problem));
            throw new InvalidRoutesException(List.of(problem));
        } finally {
            turn.unlock();
        }
    }

    /** The components Camel can make: found once, as finding them scans the classpath (seconds in a packaged jar). */
    private Set<String> components() {
        if (components == null) {
            Set<String> names = new HashSet<>(PluginHelper.getComponentNameResolver(camel).resolveNames(camel));
            names.addAll(camel.getComponentNames());
            components = Set.copyOf(names);
        }
        return components;
    }

    private InvalidRoutesException refused(RouteProblem problem) {
        ended("refused", List.of(problem));
        return new InvalidRoutesException(List.of(problem));
    }

    private void ended(String outcome, List<RouteProblem> problems) {
        last = new RunningRoutes.LastReload(outcome, Instant.now().toString(), problems);
    }

    /** The route files as last loaded, and every route running now with the file it came from. */
    public RunningRoutes running() {
        List<RunningRoutes.RunningRoute> routes = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            String file = running.keySet().stream().filter(name -> RouteSwap.from(route, name)).findFirst().orElse(null);
            ServiceStatus status = camel.getRouteController().getRouteStatus(route.getRouteId());
            // a route a swap has just removed has none
            routes.add(new RunningRoutes.RunningRoute(route.getRouteId(), file,
                    status == null ? ServiceStatus.Stopped.name() : status.name()));
        }
        routes.sort(Comparator.comparing(RunningRoutes.RunningRoute::id));
        return new RunningRoutes(List.copyOf(running.keySet()), routes, last);
    }

    /** The file's path from the working directory where it is under it ({@code routes/router.camel.yaml}). */
    private static String name(Resource file) throws IOException {
        Path path = file.getFile().toPath().toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return (path.startsWith(here) ? here.relativize(path) : path).toString();
    }

    private Map<String, String> read() {
        Map<String, String> texts = new LinkedHashMap<>();
        try {
            for (Resource file : RouteFiles.resolve(includePattern)) {
                texts.put(name(file), file.getContentAsString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the route files cannot be read: " + e.getMessage(), e);
        }
        return texts;
    }
}
