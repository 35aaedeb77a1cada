package io.cmsrouter.reload;

import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which running routes send to which ({@code direct:} and {@code seda:} endpoints), for the order of a swap. */
final class RouteGraph {
    private RouteGraph() {
    }

    /**
     * The routes {@code ids} in the order to stop them: a route before those it sends to, so that its exchanges
     * still find them while they finish; routes that send to none of the others and get nothing from them (the
     * heartbeat, say) last, so that they are stopped for the shortest time.
     */
    static List<String> callersFirst(Model model, List<String> ids) {
        Map<String, String> consumers = new HashMap<>();
        for (String id : ids) {
            consumers.put(RouteSteps.key(input(model, id)), id);
        }
        Map<String, Set<String>> callees = new LinkedHashMap<>();
        Map<String, Integer> callers = new HashMap<>();
        ids.forEach(id -> callers.put(id, 0));
        for (String id : ids) {
            Set<String> sent = new LinkedHashSet<>();
            RouteDefinition definition = model.getRouteDefinition(id);
            if (definition != null) {
                RouteSteps.queuesSentTo(definition.getOutputs()).stream().map(consumers::get)
                        .filter(callee -> callee != null && !callee.equals(id)).forEach(sent::add);
            }
            callees.put(id, sent);
            sent.forEach(callee -> callers.merge(callee, 1, Integer::sum));
        }
        List<String> order = new ArrayList<>();
        List<String> alone = new ArrayList<>();
        Deque<String> ready = new ArrayDeque<>();
        for (String id : ids) {
            if (callers.get(id) == 0 && callees.get(id).isEmpty()) {
                alone.add(id);
            } else if (callers.get(id) == 0) {
                ready.add(id);
            }
        }
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (String callee : callees.get(id)) {
                if (callers.merge(callee, -1, Integer::sum) == 0) {
                    ready.add(callee);
                }
            }
        }
        // routes in a cycle: in file order, after the rest
        ids.stream().filter(id -> !order.contains(id) && !alone.contains(id)).forEach(order::add);
        order.addAll(alone);
        return order;
    }

    /** The routes a webhook request goes through: the intakes, and what they call through {@code direct:}. */
    static Set<String> reachedByWebhooks(Model model, List<Route> routes) {
        Map<String, String> consumers = new HashMap<>();
        routes.forEach(route -> consumers.put(RouteSteps.key(route.getEndpoint().getEndpointUri()), route.getRouteId()));
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> next = new ArrayDeque<>();
        RouterInvariants.INTAKES.stream().map(RouteSteps::key).map(consumers::get)
                .filter(id -> id != null).forEach(next::add);
        while (!next.isEmpty()) {
            String id = next.poll();
            RouteDefinition definition = model.getRouteDefinition(id);
            if (reached.add(id) && definition != null) {
                RouteSteps.queuesSentTo(definition.getOutputs()).stream().filter(key -> key.startsWith("direct:"))
                        .map(consumers::get).filter(callee -> callee != null).forEach(next::add);
            }
        }
        return reached;
    }

    static boolean consumesDispatchQueue(RouteDefinition definition) {
        return definition != null
                && RouterInvariants.DISPATCH_QUEUE.equals(RouteSteps.key(definition.getInput().getEndpointUri()));
    }

    private static String input(Model model, String id) {
        RouteDefinition definition = model.getRouteDefinition(id);
        return definition == null ? "" : definition.getInput().getEndpointUri();
    }
}
