package io.cmsrouter.reload;

import io.cmsrouter.downstream.TargetRoutes;
import org.apache.camel.model.OnCompletionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the router needs of any route set, whatever the rules: routes that take the webhooks, a consumer of the
 * dispatch queue that settles every run, and the route template the downstream targets' routes are made from.
 */
final class RouterInvariants {
    static final List<String> INTAKES = List.of("platform-http:/webhooks/contentstack",
            "platform-http:/webhooks/contentful");
    static final String DISPATCH_QUEUE = "seda:events";
    private static final String SETTLEMENT = "direct:settle-and-release";

    private final List<RouteFile> files;
    private final List<RouteFile> before;
    private final Map<String, RouteFile> consumers;
    private final List<RouteProblem> problems = new ArrayList<>();

    RouterInvariants(List<RouteFile> files, List<RouteFile> before, Map<String, RouteFile> consumers) {
        this.files = files;
        this.before = before;
        this.consumers = consumers;
    }

    List<RouteProblem> check() {
        for (String intake : INTAKES) {
            if (!consumers.containsKey(RouteSteps.key(intake))) {
                missing(intake.substring("platform-http:".length()), "no route takes the webhooks at " + intake
                        + ": the router would stop receiving them");
            }
        }
        RouteDefinition dispatch = files.stream().flatMap(file -> file.routes.stream())
                .filter(route -> DISPATCH_QUEUE.equals(RouteSteps.key(route.getInput().getEndpointUri())))
                .findFirst().orElse(null);
        if (dispatch == null) {
            missing(DISPATCH_QUEUE, "no route consumes " + DISPATCH_QUEUE + ": accepted webhooks would never run");
        } else if (dispatch.getOutputs().stream().noneMatch(RouterInvariants::settles)) {
            RouteFile file = consumers.get(RouteSteps.key(DISPATCH_QUEUE));
            problems.add(RouteProblem.at(file.name, file.find(DISPATCH_QUEUE, dispatch.getInput().getLineNumber()),
                    "route '" + dispatch.getRouteId() + "' must settle every run with an onCompletion that goes to "
                            + SETTLEMENT));
        }
        if (files.stream().flatMap(file -> file.templates.stream())
                .noneMatch(template -> TargetRoutes.TEMPLATE.equals(template.getId()))) {
            missing(TargetRoutes.TEMPLATE, "the route template '" + TargetRoutes.TEMPLATE
                    + "' is gone: the downstream targets' routes are made from it");
        }
        return problems;
    }

    private static boolean settles(ProcessorDefinition<?> output) {
        return output instanceof OnCompletionDefinition onCompletion
                && RouteSteps.queuesSentTo(onCompletion.getOutputs()).contains(SETTLEMENT);
    }

    /** A part the set lacks: named in the file that had it. */
    private void missing(String needle, String problem) {
        RouteFile had = before.stream().filter(file -> file.find(needle, 0) != null).findFirst().orElse(null);
        problems.add(new RouteProblem(had == null ? null : had.name, null, null, problem));
    }
}
