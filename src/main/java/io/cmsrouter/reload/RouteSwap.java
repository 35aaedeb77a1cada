package io.cmsrouter.reload;

import io.cmsrouter.common.WebhookGate;
import io.cmsrouter.downstream.TargetRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Replaces the routes of the files an edit touched, with the new versions of those files. The routes going out
 * finish the exchanges they hold first (senders to a {@code direct:} endpoint wait for its new route meanwhile,
 * and webhook requests wait at the {@link WebhookGate}); work queued in {@code seda:events} stays queued. An edit of
 * the route configurations replaces every route, one of a route template the routes made from it. When the new
 * routes fail to start, the previous ones are put back.
 */
final class RouteSwap {
    private static final Logger LOG = LoggerFactory.getLogger(RouteSwap.class);

    private final CamelContext camel;
    private final Model model;
    private final TargetRoutes targetRoutes;
    private final WebhookGate gate;
    private final Duration drainTimeout;

    RouteSwap(CamelContext camel, TargetRoutes targetRoutes, WebhookGate gate, Duration drainTimeout) {
        this.camel = camel;
        this.model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        this.targetRoutes = targetRoutes;
        this.gate = gate;
        this.drainTimeout = drainTimeout;
    }

    /** Swaps the files {@code before} → {@code after} (name → text) that differ. */
    void swap(Map<String, String> before, Map<String, String> after) throws Exception {
        Set<String> changed = new LinkedHashSet<>();
        before.keySet().stream().filter(name -> !before.get(name).equals(after.get(name))).forEach(changed::add);
        after.keySet().stream().filter(name -> !after.get(name).equals(before.get(name))).forEach(changed::add);
        List<RouteFile> oldFiles = parse(before, changed);
        List<RouteFile> newFiles = parse(after, changed);
        boolean configurations = has(oldFiles, newFiles, file -> !file.configurations.isEmpty());
        boolean templates = configurations || has(oldFiles, newFiles, file -> !file.templates.isEmpty());
        Set<String> affected = configurations ? union(before.keySet(), after.keySet()) : changed;
        List<Route> outgoing = outgoing(affected, templates);
        boolean intake = outgoing.stream().anyMatch(route -> route.getEndpoint().getEndpointUri().contains("webhooks"));
        if (intake && !gate.close(drainTimeout)) {
            throw new RoutesBusyException("webhook requests were still under way after " + drainTimeout.toSeconds()
                    + "s; nothing changed");
        }
        try {
            drain(outgoing);
            LOG.info("Replacing the routes of {}: {}", affected, outgoing.stream().map(Route::getRouteId).toList());
            try {
                replace(ids(outgoing), oldFiles, newFiles, affected, after, templates);
            } catch (Exception e) {
                LOG.warn("The new routes failed to start ({}); putting the previous ones back", e.getMessage());
                replace(ids(outgoing(affected, templates)), newFiles, oldFiles, affected, before, templates);
                throw e;
            }
        } finally {
            if (intake) {
                gate.open();
            }
        }
    }

    /** Stops each route once its exchanges are done; when one does not finish in time, restarts those stopped. */
    private void drain(List<Route> outgoing) throws Exception {
        List<String> stopped = new ArrayList<>();
        for (Route route : outgoing) {
            if (!camel.getRouteController().stopRoute(route.getRouteId(), drainTimeout.toMillis(), TimeUnit.MILLISECONDS,
                    true)) {
                for (String id : stopped) {
                    camel.getRouteController().startRoute(id);
                }
                throw new RoutesBusyException("route '" + route.getRouteId() + "' was still busy after "
                        + drainTimeout.toSeconds() + "s; nothing changed");
            }
            stopped.add(route.getRouteId());
        }
    }

    private void replace(List<String> outgoing, List<RouteFile> oldFiles, List<RouteFile> newFiles,
                         Set<String> affected, Map<String, String> texts, boolean templates) throws Exception {
        for (String id : outgoing) {
            RouteDefinition definition = model.getRouteDefinition(id);
            if (definition != null) {
                model.removeRouteDefinition(definition);
            } else {
                camel.removeRoute(id);
            }
        }
        for (RouteFile file : oldFiles) {
            for (RouteConfigurationDefinition configuration : file.configurations) {
                model.removeRouteConfiguration(configuration);
            }
            model.removeRouteTemplateDefinitions(file.templates);
        }
        model.getRestDefinitions().removeIf(rest -> rest.getResource() != null
                && affected.stream().anyMatch(name -> same(rest.getResource().getLocation(), name)));
        newFiles.forEach(file -> model.addRouteConfigurations(file.configurations));
        for (RouteFile file : newFiles) {
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
        if (templates) {
            targetRoutes.addTo(camel);
        }
    }

    /** The routes of the files {@code affected}, and the targets' routes when templates change: consumers first. */
    private List<Route> outgoing(Set<String> affected, boolean templates) {
        List<String> targets = templates ? targetRoutes.routeIds() : List.of();
        return camel.getRoutes().stream()
                .filter(route -> affected.stream().anyMatch(name -> from(route, name))
                        || targets.contains(route.getRouteId()))
                .sorted(Comparator.comparing(route -> route.getEndpoint().getEndpointUri().startsWith("direct:")))
                .toList();
    }

    private static List<String> ids(List<Route> routes) {
        return routes.stream().map(Route::getRouteId).toList();
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

    private static boolean has(List<RouteFile> a, List<RouteFile> b, java.util.function.Predicate<RouteFile> test) {
        return a.stream().anyMatch(test) || b.stream().anyMatch(test);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
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
