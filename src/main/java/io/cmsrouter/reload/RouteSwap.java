package io.cmsrouter.reload;

import io.cmsrouter.common.WebhookGate;
import io.cmsrouter.downstream.TargetRoutes;
import io.cmsrouter.execution.Backlog;
import io.cmsrouter.intake.DispatchPause;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Replaces the routes of the files an edit touched with the new versions of those files (and the routes that use an
 * edited route configuration, and the targets' routes when their template or configuration changes):
 * <ol>
 * <li>while the routes that run events swap, new events wait in the durable backlog (DispatchPause), and the events
 * already queued for them are handed back to it; while a route that webhook requests go through swaps, requests wait
 * at the WebhookGate;</li>
 * <li>the routes stop callers first (RouteGraph), each once the exchanges it holds are done, all within
 * {@code router.routes.drain-timeout}; when that runs out, those stopped start again and nothing changes;</li>
 * <li>the new routes start; if they fail to, the previous ones are put back.</li>
 * </ol>
 */
final class RouteSwap {
    private static final Logger LOG = LoggerFactory.getLogger(RouteSwap.class);

    private final CamelContext camel;
    private final Model model;
    private final TargetRoutes targetRoutes;
    private final WebhookGate gate;
    private final DispatchPause dispatch;
    private final Backlog backlog;
    private final Duration drainTimeout;

    RouteSwap(CamelContext camel, TargetRoutes targetRoutes, WebhookGate gate, DispatchPause dispatch, Backlog backlog,
              Duration drainTimeout) {
        this.camel = camel;
        this.model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        this.targetRoutes = targetRoutes;
        this.gate = gate;
        this.dispatch = dispatch;
        this.backlog = backlog;
        this.drainTimeout = drainTimeout;
    }

    /** Swaps the files {@code before} → {@code after} (name → text) that differ. */
    void swap(Map<String, String> before, Map<String, String> after) throws Exception {
        Set<String> changed = new LinkedHashSet<>();
        before.keySet().stream().filter(name -> !before.get(name).equals(after.get(name))).forEach(changed::add);
        after.keySet().stream().filter(name -> !after.get(name).equals(before.get(name))).forEach(changed::add);
        List<RouteFile> oldFiles = parse(before, changed);
        List<RouteFile> newFiles = parse(after, changed);
        Set<String> configurations = new LinkedHashSet<>();
        Set<String> templates = new LinkedHashSet<>();
        for (RouteFile file : union(oldFiles, newFiles)) {
            file.configurations.forEach(configuration -> configurations.add(configuration.getId()));
            file.templates.forEach(template -> templates.add(template.getId()));
        }
        boolean targets = !templates.isEmpty() || !configurations.isEmpty();
        Set<String> affected = new LinkedHashSet<>(changed);
        for (Route route : camel.getRoutes()) {
            RouteDefinition definition = model.getRouteDefinition(route.getRouteId());
            if (definition != null && definition.getAppliedRouteConfigurationIds() != null
                    && definition.getAppliedRouteConfigurationIds().stream().anyMatch(configurations::contains)) {
                before.keySet().stream().filter(name -> from(route, name)).forEach(affected::add);
            }
        }
        List<String> outgoing = RouteGraph.callersFirst(model, ids(affected, targets));
        Set<String> webhookPath = RouteGraph.reachedByWebhooks(model, camel.getRoutes());
        boolean queue = outgoing.stream().map(id -> model.getRouteDefinition(id)).anyMatch(RouteGraph::consumesDispatchQueue);
        boolean gateClosed = false;
        try {
            if (queue) {
                dispatch.pause();
                LOG.info("{} queued events wait in the backlog while the routes swap", backlog.handBackQueued());
            }
            long deadline = System.nanoTime() + drainTimeout.toNanos();
            List<String> stopped = new ArrayList<>();
            drain(outgoing.stream().filter(id -> !webhookPath.contains(id)).toList(), deadline, stopped);
            // the routes webhook requests go through last, behind the gate: it is closed for their swap only
            List<String> front = outgoing.stream().filter(webhookPath::contains).toList();
            if (!front.isEmpty()) {
                gateClosed = gate.close(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (!gateClosed) {
                    restart(stopped);
                    throw new RoutesBusyException("webhook requests were still under way after "
                            + drainTimeout.toSeconds() + "s; nothing changed", false);
                }
            }
            drain(front, deadline, stopped);
            LOG.info("Replacing the routes of {}: {}", affected, outgoing);
            try {
                replace(outgoing, oldFiles, newFiles, affected, after, templates, targets);
            } catch (Exception e) {
                LOG.warn("The new routes failed to start ({}); putting the previous ones back", e.getMessage());
                try {
                    replace(ids(affected, targets), newFiles, oldFiles, affected, before, templates, targets);
                } catch (Exception restore) {
                    e.addSuppressed(restore);
                    throw new RoutesBrokenException("the new routes failed to start, and the previous ones could not "
                            + "be put back: restart the router", e);
                }
                throw e;
            }
        } finally {
            dispatch.resume();
            if (gateClosed) {
                gate.open();
            }
        }
    }

    /** Stops each route once its exchanges are done, before the deadline; else restarts all those stopped. */
    private void drain(List<String> ids, long deadline, List<String> stopped) throws Exception {
        for (String id : ids) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (!camel.getRouteController().stopRoute(id, left, TimeUnit.MILLISECONDS, true)) {
                restart(stopped);
                throw new RoutesBusyException("route '" + id + "' was still busy after " + drainTimeout.toSeconds()
                        + "s; nothing changed", false);
            }
            stopped.add(id);
        }
    }

    private void restart(List<String> stopped) throws Exception {
        for (int i = stopped.size() - 1; i >= 0; i--) {
            camel.getRouteController().startRoute(stopped.get(i));
        }
    }

    private void replace(List<String> outgoing, List<RouteFile> oldFiles, List<RouteFile> newFiles,
                         Set<String> affected, Map<String, String> texts, Set<String> templates, boolean targets)
            throws Exception {
        Set<String> going = new LinkedHashSet<>(outgoing);
        // with the definitions of routes from these files that never started (a failed swap's)
        model.getRouteDefinitions().stream().filter(definition -> definition.getResource() != null
                        && affected.stream().anyMatch(name -> same(definition.getResource().getLocation(), name)))
                .map(RouteDefinition::getRouteId).forEach(going::add);
        for (String id : going) {
            RouteDefinition definition = model.getRouteDefinition(id);
            if (definition != null) {
                model.removeRouteDefinition(definition);
            } else if (camel.getRoute(id) != null) {
                camel.removeRoute(id);
            }
        }
        for (RouteFile file : oldFiles) {
            for (RouteConfigurationDefinition configuration : file.configurations) {
                RouteConfigurationDefinition running = model.getRouteConfigurationDefinition(configuration.getId());
                if (running != null) {
                    model.removeRouteConfiguration(running);
                }
            }
        }
        for (String template : templates) {
            model.removeRouteTemplateDefinitions(template);
        }
        synchronized (model) {
            model.getRestDefinitions().removeIf(rest -> rest.getResource() != null
                    && affected.stream().anyMatch(name -> same(rest.getResource().getLocation(), name)));
        }
        for (RouteFile file : newFiles) {
            model.addRouteConfigurations(file.configurations);
            model.addRouteTemplateDefinitions(file.templates);
        }
        // parsed again now, so that each route is prepared with the route configurations just put in place
        List<RouteDefinition> routes = new ArrayList<>();
        List<RestDefinition> rests = new ArrayList<>();
        for (String name : affected) {
            if (texts.containsKey(name)) {
                RouteFile file = RouteFile.parse(camel, name, texts.get(name));
                routes.addAll(file.routes);
                rests.addAll(file.rests);
            }
        }
        model.addRestDefinitions(rests, false);
        model.addRouteDefinitions(routes);
        if (targets) {
            targetRoutes.addTo(camel);
        }
    }

    /** The routes running now from the files {@code affected}, and the targets' routes. */
    private List<String> ids(Set<String> affected, boolean targets) {
        List<String> targetIds = targets ? targetRoutes.routeIds() : List.of();
        return camel.getRoutes().stream()
                .filter(route -> affected.stream().anyMatch(name -> from(route, name))
                        || targetIds.contains(route.getRouteId()))
                .map(Route::getRouteId).toList();
    }

    private List<RouteFile> parse(Map<String, String> texts, Set<String> names) {
        List<RouteFile> files = new ArrayList<>();
        for (String name : names) {
            if (texts.containsKey(name)) {
                files.add(RouteFile.parse(camel, name, texts.get(name)));
            }
        }
        return files;
    }

    private static List<RouteFile> union(List<RouteFile> a, List<RouteFile> b) {
        List<RouteFile> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static boolean from(Route route, String name) {
        return route.getSourceResource() != null && same(route.getSourceResource().getLocation(), name);
    }

    /** Whether a resource location ({@code file:routes/x.camel.yaml}) is the file {@code name}. */
    static boolean same(String location, String name) {
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        return Path.of(path).toAbsolutePath().normalize().equals(Path.of(name).toAbsolutePath().normalize());
    }
}
