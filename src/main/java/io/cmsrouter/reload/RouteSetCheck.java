package io.cmsrouter.reload;

import org.apache.camel.CamelContext;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.OnCompletionDefinition;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.TryDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.MethodCallExpression;
import org.apache.camel.spi.EndpointUriFactory;
import org.apache.camel.spi.Language;
import org.apache.camel.support.PluginHelper;
import org.springframework.util.ClassUtils;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Camel would only find out while starting a route set, or never: endpoints of no component or with options
 * the component does not have, placeholders nothing defines, {@code direct:}/{@code seda:} endpoints no route
 * consumes, beans and bean methods that do not exist, expressions that do not compile, route ids used twice, route
 * configurations that do not exist; and the router's own invariants: the webhook intakes, the dispatch queue's
 * consumer settling every run, the downstream targets' route template.
 */
final class RouteSetCheck {
    static final String TARGET_TEMPLATE = "target-delivery";
    private static final List<String> INTAKES = List.of("platform-http:/webhooks/contentstack",
            "platform-http:/webhooks/contentful");
    private static final String DISPATCH_QUEUE = "seda:events";
    private static final String SETTLEMENT = "direct:settle-and-release";

    private final CamelContext camel;
    private final Set<String> components;
    private final List<RouteProblem> problems = new ArrayList<>();
    private final Map<String, RouteFile> consumers = new HashMap<>();
    private final List<Object[]> sends = new ArrayList<>();

    private RouteSetCheck(CamelContext camel) {
        this.camel = camel;
        this.components = new HashSet<>(PluginHelper.getComponentNameResolver(camel).resolveNames(camel));
        this.components.addAll(camel.getComponentNames());
    }

    /** Every problem of the set {@code files}, in file order; {@code before} names where a missing part was. */
    static List<RouteProblem> problems(CamelContext camel, List<RouteFile> files, List<RouteFile> before) {
        return new RouteSetCheck(camel).check(files, before);
    }

    private List<RouteProblem> check(List<RouteFile> files, List<RouteFile> before) {
        Map<String, RouteFile> routeIds = new HashMap<>();
        Set<String> configurationIds = new HashSet<>();
        files.forEach(file -> file.configurations.forEach(configuration -> configurationIds.add(configuration.getId())));
        for (RouteFile file : files) {
            for (RouteDefinition route : file.routes) {
                String id = route.getRouteId();
                RouteFile other = id == null ? null : routeIds.putIfAbsent(id, file);
                if (other != null) {
                    problem(file, "id: " + id, "route id '" + id + "' is also used in " + other.name);
                }
                consumer(file, route.getInput().getEndpointUri());
                configurationsExist(file, route, configurationIds);
                walk(file, route.getOutputs(), false);
            }
            for (RouteTemplateDefinition template : file.templates) {
                consumers.putIfAbsent(key(template.getRoute().getInput().getEndpointUri()), file);
                walk(file, template.getRoute().getOutputs(), true);
            }
            for (RouteConfigurationDefinition configuration : file.configurations) {
                configuration.getOnExceptions().forEach(onException -> visit(file, onException, false));
                configuration.getOnCompletions().forEach(onCompletion -> visit(file, onCompletion, false));
            }
        }
        for (Object[] send : sends) {
            String uri = (String) send[1];
            if (!consumers.containsKey(key(uri))) {
                problem((RouteFile) send[0], uri, "nothing consumes " + key(uri) + ": no route starts from it");
            }
        }
        invariants(files, before);
        return problems;
    }

    private void invariants(List<RouteFile> files, List<RouteFile> before) {
        for (String intake : INTAKES) {
            if (!consumers.containsKey(intake)) {
                missing(before, intake.substring("platform-http:".length()), "no route takes the webhooks at " + intake
                        + ": the router would stop receiving them");
            }
        }
        RouteDefinition dispatch = files.stream().flatMap(file -> file.routes.stream())
                .filter(route -> DISPATCH_QUEUE.equals(key(route.getInput().getEndpointUri()))).findFirst().orElse(null);
        if (dispatch == null) {
            missing(before, DISPATCH_QUEUE, "no route consumes " + DISPATCH_QUEUE
                    + ": accepted webhooks would never run");
        } else if (dispatch.getOutputs().stream().noneMatch(RouteSetCheck::settles)) {
            problem(consumers.get(DISPATCH_QUEUE), DISPATCH_QUEUE, "route '" + dispatch.getRouteId()
                    + "' must settle every run with an onCompletion that goes to " + SETTLEMENT);
        }
        if (files.stream().flatMap(file -> file.templates.stream()).noneMatch(t -> TARGET_TEMPLATE.equals(t.getId()))) {
            missing(before, TARGET_TEMPLATE, "the route template '" + TARGET_TEMPLATE
                    + "' is gone: the downstream targets' routes are made from it");
        }
    }

    private static boolean settles(ProcessorDefinition<?> output) {
        return output instanceof OnCompletionDefinition onCompletion && onCompletion.getOutputs().stream()
                .anyMatch(step -> step instanceof SendDefinition<?> send && SETTLEMENT.equals(key(send.getEndpointUri())));
    }

    private void walk(RouteFile file, List<ProcessorDefinition<?>> outputs, boolean template) {
        outputs.forEach(output -> visit(file, output, template));
    }

    private void visit(RouteFile file, ProcessorDefinition<?> step, boolean template) {
        if (step instanceof SendDefinition<?> send && send.getEndpointUri() != null) {
            sent(file, send.getEndpointUri(), template);
        } else if (step instanceof ToDynamicDefinition dynamic) {
            sent(file, dynamic.getUri(), template);
        }
        if (step instanceof BeanDefinition bean && bean.getRef() != null) {
            bean(file, bean.getRef(), bean.getMethod());
        }
        if (step instanceof ExpressionNode node && node.getExpression() != null) {
            expression(file, node.getExpression(), template);
        }
        if (step instanceof OnExceptionDefinition onException) {
            for (String ref : Arrays.asList(onException.getRedeliveryPolicyRef(), onException.getOnRedeliveryRef(),
                    onException.getOnExceptionOccurredRef())) {
                bean(file, ref, null);
            }
            if (onException.getOnWhen() != null) {
                expression(file, onException.getOnWhen().getExpression(), template);
            }
        }
        if (step instanceof TryDefinition attempt) {
            // the YAML DSL keeps the catches and the finally beside the steps
            attempt.getCatchClauses().forEach(catchClause -> walk(file, catchClause.getOutputs(), template));
            if (attempt.getFinallyClause() != null) {
                walk(file, attempt.getFinallyClause().getOutputs(), template);
            }
        }
        if (step instanceof ChoiceDefinition choice) {
            choice.getWhenClauses().forEach(when -> {
                expression(file, when.getExpression(), template);
                walk(file, when.getOutputs(), template);
            });
            if (choice.getOtherwise() != null) {
                walk(file, choice.getOtherwise().getOutputs(), template);
            }
        } else {
            walk(file, step.getOutputs(), template);
        }
    }

    private void consumer(RouteFile file, String uri) {
        if (uri != null) {
            endpoint(file, uri, false);
            consumers.putIfAbsent(key(uri), file);
        }
    }

    private void sent(RouteFile file, String uri, boolean template) {
        int dynamic = uri.indexOf("${");
        endpoint(file, dynamic < 0 ? uri : uri.substring(0, dynamic), template || dynamic >= 0);
        String key = key(uri);
        if (dynamic < 0 && (key.startsWith("direct:") || key.startsWith("seda:"))) {
            sends.add(new Object[] {file, uri});
        }
    }

    /** The component exists, the placeholders resolve, and the options are the component's own. */
    private void endpoint(RouteFile file, String uri, boolean partial) {
        if (uri.startsWith("{{")) {
            return; // a template parameter: known when a target's route is made
        }
        String resolved = uri;
        if (!partial) {
            try {
                resolved = camel.resolvePropertyPlaceholders(uri);
            } catch (RuntimeException e) {
                problem(file, uri, "endpoint " + uri + ": " + e.getMessage());
                return;
            }
        }
        int colon = resolved.indexOf(':');
        String scheme = colon < 0 ? resolved : resolved.substring(0, colon);
        if (!components.contains(scheme)) {
            problem(file, uri, "unknown endpoint " + uri + ": there is no Camel component '" + scheme + "'");
            return;
        }
        EndpointUriFactory factory = camel.getCamelContextExtension().getEndpointUriFactory(scheme);
        int query = resolved.indexOf('?');
        if (factory == null || factory.isLenientProperties() || query < 0) {
            return;
        }
        for (String parameter : resolved.substring(query + 1).split("&")) {
            String name = parameter.split("=", 2)[0];
            if (!name.isEmpty() && !factory.propertyNames().contains(name)
                    && factory.multiValuePrefixes().values().stream().noneMatch(name::startsWith)) {
                problem(file, name + ":", "endpoint " + uri.split("\\?")[0] + " has no option '" + name + "'");
            }
        }
    }

    private void bean(RouteFile file, String ref, String method) {
        if (ref == null || ref.startsWith("{{")) {
            return;
        }
        Object bean = camel.getRegistry().lookupByName(ref);
        if (bean == null) {
            problem(file, ref, "there is no bean named '" + ref + "'");
            return;
        }
        String name = method == null ? null : method.split("\\(", 2)[0].trim();
        if (name != null && Arrays.stream(ClassUtils.getUserClass(bean).getMethods())
                .noneMatch(candidate -> candidate.getName().equals(name))) {
            problem(file, method, "bean '" + ref + "' has no method '" + name + "'");
        }
    }

    private void expression(RouteFile file, ExpressionDefinition expression, boolean template) {
        if (expression instanceof MethodCallExpression call) {
            bean(file, call.getRef(), call.getMethod());
            return;
        }
        String language = expression.getLanguage();
        String text = expression.getExpression();
        if (language == null || text == null || template || !List.of("simple", "channel").contains(language)) {
            return;
        }
        try {
            Language compiler = camel.resolveLanguage(language);
            String resolved = camel.resolvePropertyPlaceholders(text);
            if ("channel".equals(language)) {
                compiler.createPredicate(resolved);
            } else {
                compiler.createExpression(resolved);
            }
        } catch (RuntimeException e) {
            problem(file, text, language + " expression '" + text + "' does not compile: " + e.getMessage());
        }
    }

    private void configurationsExist(RouteFile file, RouteDefinition route, Set<String> known) {
        String ids = route.getRouteConfigurationId();
        if (ids == null || ids.contains("{{") || ids.contains("*")) {
            return;
        }
        for (String id : ids.split(",")) {
            if (!known.contains(id.trim())) {
                problem(file, id.trim(), "route '" + route.getRouteId() + "' names the route configuration '"
                        + id.trim() + "', which no route file defines");
            }
        }
    }

    /** A part the set lacks: named in the file that had it, where it was. */
    private void missing(List<RouteFile> before, String needle, String problem) {
        RouteFile had = before.stream().filter(file -> file.find(needle) != null).findFirst().orElse(null);
        add(had == null ? new RouteProblem(null, null, null, problem) : RouteProblem.at(had.name, null, problem));
    }

    private void problem(RouteFile file, String needle, String problem) {
        add(RouteProblem.at(file == null ? null : file.name, file == null ? null : file.find(needle), problem));
    }

    /** Once: a step can be reached along two paths (a try's catches are also among its outputs in Java DSL). */
    private void add(RouteProblem problem) {
        if (!problems.contains(problem)) {
            problems.add(problem);
        }
    }

    /** {@code direct:settle?block=true} and {@code direct://settle} are both {@code direct:settle}. */
    static String key(String uri) {
        if (uri == null) {
            return "";
        }
        String key = uri.split("\\?", 2)[0];
        int colon = key.indexOf(':');
        return colon < 0 ? key : key.substring(0, colon + 1) + key.substring(colon + 1).replaceFirst("^//", "");
    }
}
