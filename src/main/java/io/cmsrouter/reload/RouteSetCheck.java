package io.cmsrouter.reload;

import org.apache.camel.CamelContext;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.model.language.MethodCallExpression;
import org.apache.camel.spi.EndpointUriFactory;
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
 * consumes, beans and bean methods that do not exist, expressions that do not compile, route ids used twice and
 * route configurations that do not exist; then the router's own invariants (RouterInvariants).
 */
final class RouteSetCheck {
    private final CamelContext camel;
    private final Set<String> components;
    private final List<RouteProblem> problems = new ArrayList<>();
    private final Map<String, RouteFile> consumers = new HashMap<>();
    private final List<Send> sends = new ArrayList<>();

    private record Send(RouteFile file, ProcessorDefinition<?> step, String uri) {
    }

    private RouteSetCheck(CamelContext camel, Set<String> components) {
        this.camel = camel;
        this.components = components;
    }

    /**
     * Every problem of the set {@code files}, in file order, given the names of the components Camel can make;
     * {@code before} names where a missing part was.
     */
    static List<RouteProblem> problems(CamelContext camel, Set<String> components, List<RouteFile> files,
                                       List<RouteFile> before) {
        RouteSetCheck check = new RouteSetCheck(camel, components);
        check.check(files);
        new RouterInvariants(files, before, check.consumers).check().forEach(check::add);
        return check.problems;
    }

    private void check(List<RouteFile> files) {
        Map<String, RouteFile> routeIds = new HashMap<>();
        Set<String> configurationIds = new HashSet<>();
        files.forEach(file -> file.configurations.forEach(configuration -> configurationIds.add(configuration.getId())));
        for (RouteFile file : files) {
            for (RouteDefinition route : file.routes) {
                String id = route.getRouteId();
                RouteFile other = id == null ? null : routeIds.putIfAbsent(id, file);
                if (other != null) {
                    problem(file, route.getInput().getLineNumber(), "id: " + id,
                            "route id '" + id + "' is also used in " + other.name);
                }
                consumer(file, route.getInput().getLineNumber(), route.getInput().getEndpointUri(), false);
                configurationsExist(file, route, configurationIds);
                RouteSteps.walk(route.getOutputs(), step -> visit(file, step, false));
            }
            for (RouteTemplateDefinition template : file.templates) {
                consumer(file, 0, template.getRoute().getInput().getEndpointUri(), true);
                RouteSteps.walk(template.getRoute().getOutputs(), step -> visit(file, step, true));
            }
            for (RouteConfigurationDefinition configuration : file.configurations) {
                configuration.getOnExceptions().forEach(onException -> {
                    visit(file, onException, false);
                    RouteSteps.walk(onException.getOutputs(), step -> visit(file, step, false));
                });
                configuration.getOnCompletions()
                        .forEach(onCompletion -> RouteSteps.walk(onCompletion.getOutputs(), step -> visit(file, step, false)));
            }
        }
        for (Send send : sends) {
            String key = RouteSteps.key(send.uri());
            if (!consumers.containsKey(key)) {
                problem(send.file(), send.step().getLineNumber(), send.uri(), "nothing consumes " + key
                        + ": no route starts from it");
            }
        }
    }

    private void visit(RouteFile file, ProcessorDefinition<?> step, boolean template) {
        int line = step.getLineNumber();
        String uri = RouteSteps.sentTo(step);
        if (uri != null) {
            sent(file, step, uri, template);
        }
        if (step instanceof BeanDefinition bean) {
            bean(file, line, bean.getRef(), bean.getMethod());
        }
        if (step instanceof ExpressionNode node && node.getExpression() != null) {
            expression(file, line, node.getExpression(), template);
        }
        if (step instanceof ChoiceDefinition choice) {
            choice.getWhenClauses().forEach(when -> expression(file, line, when.getExpression(), template));
        }
        if (step instanceof OnExceptionDefinition onException) {
            for (String ref : Arrays.asList(onException.getRedeliveryPolicyRef(), onException.getOnRedeliveryRef(),
                    onException.getOnExceptionOccurredRef())) {
                bean(file, line, ref, null);
            }
            if (onException.getOnWhen() != null) {
                expression(file, line, onException.getOnWhen().getExpression(), template);
            }
        }
    }

    private void consumer(RouteFile file, int line, String uri, boolean template) {
        if (uri != null) {
            endpoint(file, line, uri, template);
            consumers.putIfAbsent(RouteSteps.key(uri), file);
        }
    }

    private void sent(RouteFile file, ProcessorDefinition<?> step, String uri, boolean template) {
        int dynamic = uri.indexOf("${");
        if (dynamic != 0) {
            endpoint(file, step.getLineNumber(), dynamic < 0 ? uri : uri.substring(0, dynamic), template || dynamic > 0);
        }
        String key = RouteSteps.key(uri);
        if (dynamic < 0 && (key.startsWith("direct:") || key.startsWith("seda:"))) {
            sends.add(new Send(file, step, uri));
        }
    }

    /** The component exists, the placeholders resolve, and the options are the component's own. */
    private void endpoint(RouteFile file, int line, String uri, boolean partial) {
        if (partial && uri.startsWith("{{")) {
            return; // a template parameter: known when a target's route is made
        }
        String resolved = uri;
        if (!partial) {
            try {
                resolved = camel.resolvePropertyPlaceholders(uri);
            } catch (RuntimeException e) {
                problem(file, line, uri, "endpoint " + uri + ": " + e.getMessage());
                return;
            }
        }
        int colon = resolved.indexOf(':');
        String scheme = colon < 0 ? resolved : resolved.substring(0, colon);
        if (!components.contains(scheme)) {
            problem(file, line, uri, "unknown endpoint " + uri + ": there is no Camel component '" + scheme + "'");
            return;
        }
        EndpointUriFactory factory = camel.getCamelContextExtension().getEndpointUriFactory(scheme);
        int query = resolved.indexOf('?');
        if (factory == null || factory.isLenientProperties() || query < 0) {
            return;
        }
        for (String parameter : resolved.substring(query + 1).split("&")) {
            String name = parameter.split("=", 2)[0];
            // a resolved placeholder holding '&' splits into something that is no option name: not shown
            if (name.matches("[A-Za-z][A-Za-z0-9._-]*") && !factory.propertyNames().contains(name)
                    && factory.multiValuePrefixes().values().stream().noneMatch(name::startsWith)) {
                problem(file, line, name, "endpoint " + uri.split("\\?")[0] + " has no option '" + name + "'");
            }
        }
    }

    private void bean(RouteFile file, int line, String ref, String method) {
        if (ref == null || ref.startsWith("{{")) {
            return;
        }
        Object bean = camel.getRegistry().lookupByName(ref);
        if (bean == null) {
            problem(file, line, ref, "there is no bean named '" + ref + "'");
            return;
        }
        String name = method == null ? null : method.split("\\(", 2)[0].trim();
        if (name != null && Arrays.stream(ClassUtils.getUserClass(bean).getMethods())
                .noneMatch(candidate -> candidate.getName().equals(name))) {
            problem(file, line, method, "bean '" + ref + "' has no method '" + name + "'");
        }
    }

    /**
     * A {@code method} expression's bean and method; a {@code simple} or {@code channel} one compiled, with its
     * placeholders left out, so that a failure cannot show a secret a placeholder holds.
     */
    private void expression(RouteFile file, int line, ExpressionDefinition expression, boolean template) {
        if (expression instanceof MethodCallExpression call) {
            bean(file, line, call.getRef(), call.getMethod());
            return;
        }
        String language = expression.getLanguage();
        String text = expression.getExpression();
        if ("ref".equals(language)) {
            bean(file, line, text, null);
            return;
        }
        if (language == null || text == null || template || !List.of("simple", "channel").contains(language)) {
            return;
        }
        try {
            String withoutPlaceholders = text.replaceAll("\\{\\{[^}]*}}", "x");
            if ("channel".equals(language)) {
                camel.resolveLanguage(language).createPredicate(withoutPlaceholders);
            } else {
                camel.resolveLanguage(language).createExpression(withoutPlaceholders);
            }
        } catch (RuntimeException e) {
            String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            problem(file, line, text, language + " expression '" + text + "' does not compile: " + reason);
        }
    }

    private void configurationsExist(RouteFile file, RouteDefinition route, Set<String> known) {
        String ids = route.getRouteConfigurationId();
        if (ids == null || ids.contains("{{") || ids.contains("*")) {
            return;
        }
        for (String id : ids.split(",")) {
            if (!known.contains(id.trim())) {
                problem(file, route.getInput().getLineNumber(), id.trim(), "route '" + route.getRouteId()
                        + "' names the route configuration '" + id.trim() + "', which no route file defines");
            }
        }
    }

    private void problem(RouteFile file, int line, String needle, String problem) {
        add(RouteProblem.at(file.name, file.find(needle, line), problem));
    }

    /** Once: a step can be reached along two paths (a try's catches can also be among its outputs). */
    private void add(RouteProblem problem) {
        if (!problems.contains(problem)) {
            problems.add(problem);
        }
    }
}
