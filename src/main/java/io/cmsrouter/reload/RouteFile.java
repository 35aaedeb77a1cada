package io.cmsrouter.reload;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One route file as Camel's YAML DSL reads it, parsed without adding anything to the running context: its routes
 * (the REST verbs' included), REST definitions, route configurations and route templates.
 */
final class RouteFile {
    private static final Pattern LINE = Pattern.compile("line (\\d+)(?:, column (\\d+))?");

    final String name;
    final String location;
    final String text;
    final List<RouteDefinition> routes = new ArrayList<>();
    final List<RestDefinition> rests = new ArrayList<>();
    final List<RouteConfigurationDefinition> configurations = new ArrayList<>();
    final List<RouteTemplateDefinition> templates = new ArrayList<>();

    private RouteFile(String name, String location, String text) {
        this.name = name;
        this.location = location;
        this.text = text;
    }

    /** The file's text only, to say where something was. */
    static RouteFile unparsed(String name, String text) {
        return new RouteFile(name, "file:" + name, text);
    }

    /**
     * Reads {@code text} as the route file {@code name} (its location as Camel names it: {@code file:} and the
     * path). Route configurations are taken from the running context, as Camel does when it loads a file.
     */
    static RouteFile parse(CamelContext camel, String name, String text) {
        RouteFile file = new RouteFile(name, "file:" + name, text);
        try {
            new Yaml(new LoaderOptions()).parse(new StringReader(text)).forEach(event -> { });
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int[] where = mark == null ? null : new int[] {mark.getLine() + 1, mark.getColumn() + 1};
            throw new InvalidRoutesException(List.of(RouteProblem.at(name, where, "not valid YAML: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")"))));
        }
        try {
            for (RoutesBuilder builder : PluginHelper.getRoutesLoader(camel)
                    .findRoutesBuilders(ResourceHelper.fromString(file.location, text))) {
                file.read(camel, builder);
            }
        } catch (Exception e) {
            throw new InvalidRoutesException(List.of(RouteProblem.at(name, lineOf(e), message(e))));
        }
        return file;
    }

    private void read(CamelContext camel, RoutesBuilder builder) throws Exception {
        if (builder instanceof RouteConfigurationBuilder configurationBuilder) {
            configurationBuilder.setCamelContext(camel);
            configurationBuilder.configuration();
            configurations.addAll(configurationBuilder.getRouteConfigurationCollection().getRouteConfigurations());
        }
        if (builder instanceof RouteBuilder routeBuilder) {
            routeBuilder.configureRoutes(camel);
            routeBuilder.configureRests(camel);
            templates.addAll(routeBuilder.getRouteTemplateCollection().getRouteTemplates());
            for (RestDefinition rest : routeBuilder.getRestCollection().getRests()) {
                rests.add(rest);
                // as RouteBuilder does when it adds REST verbs: each becomes a route, prepared with the file's
                for (RouteDefinition route : rest.asRouteDefinition(camel)) {
                    routeBuilder.getRouteCollection().route(route);
                    routeBuilder.getRouteCollection().prepareRoute(route);
                }
            }
            routes.addAll(routeBuilder.getRouteCollection().getRoutes());
        }
    }

    /**
     * Where {@code needle} first appears in the file from about line {@code near} (a model node's line; 0: from the
     * start), or anywhere when not there: line and column from 1, or null.
     */
    int[] find(String needle, int near) {
        if (needle == null || needle.isEmpty()) {
            return null;
        }
        int from = 0;
        for (int line = 1; line < near - 1; line++) {
            int next = text.indexOf('\n', from);
            if (next < 0) {
                break;
            }
            from = next + 1;
        }
        int at = text.indexOf(needle, from);
        if (at < 0) {
            at = text.indexOf(needle);
        }
        if (at < 0) {
            return null;
        }
        int lineStart = text.lastIndexOf('\n', at) + 1;
        int line = (int) text.substring(0, lineStart).chars().filter(c -> c == '\n').count() + 1;
        return new int[] {line, at - lineStart + 1};
    }

    private static int[] lineOf(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            Matcher matcher = cause.getMessage() == null ? null : LINE.matcher(cause.getMessage());
            if (matcher != null && matcher.find()) {
                int column = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
                return new int[] {Integer.parseInt(matcher.group(1)), column};
            }
        }
        return null;
    }

    /** The innermost message that says something, on one line. */
    private static String message(Throwable e) {
        String message = e.getClass().getSimpleName();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getMessage();
            }
        }
        return message.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse(message);
    }
}
