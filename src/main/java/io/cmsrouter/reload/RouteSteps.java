package io.cmsrouter.reload;

import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.TryDefinition;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Walks a route's steps, into choices, tries (the YAML DSL keeps catches and finally beside the steps) and the rest. */
final class RouteSteps {
    private RouteSteps() {
    }

    static void walk(List<ProcessorDefinition<?>> steps, Consumer<ProcessorDefinition<?>> visitor) {
        for (ProcessorDefinition<?> step : steps) {
            visitor.accept(step);
            if (step instanceof ChoiceDefinition choice) {
                choice.getWhenClauses().forEach(when -> walk(when.getOutputs(), visitor));
                if (choice.getOtherwise() != null) {
                    walk(choice.getOtherwise().getOutputs(), visitor);
                }
                continue;
            }
            if (step instanceof TryDefinition attempt) {
                attempt.getCatchClauses().forEach(catchClause -> walk(catchClause.getOutputs(), visitor));
                if (attempt.getFinallyClause() != null) {
                    walk(attempt.getFinallyClause().getOutputs(), visitor);
                }
            }
            walk(step.getOutputs(), visitor);
        }
    }

    /** The endpoint URI a step sends to, as written (a toD's up to its first {@code ${}), or null. */
    static String sentTo(ProcessorDefinition<?> step) {
        if (step instanceof SendDefinition<?> send) {
            return send.getEndpointUri();
        }
        return step instanceof ToDynamicDefinition dynamic ? dynamic.getUri() : null;
    }

    /** The {@code direct:} and {@code seda:} endpoints (keys) a route's steps send to with a static URI. */
    static Set<String> queuesSentTo(List<ProcessorDefinition<?>> steps) {
        Set<String> keys = new LinkedHashSet<>();
        walk(steps, step -> {
            String uri = sentTo(step);
            String key = key(uri);
            if (uri != null && !uri.contains("${") && (key.startsWith("direct:") || key.startsWith("seda:"))) {
                keys.add(key);
            }
        });
        return keys;
    }

    /**
     * An endpoint without its options and the slashes after the scheme: {@code direct:settle?block=true} and
     * {@code direct://settle} are {@code direct:settle}, {@code platform-http:/webhooks/x} is
     * {@code platform-http:webhooks/x}.
     */
    static String key(String uri) {
        if (uri == null) {
            return "";
        }
        String key = uri.split("\\?", 2)[0];
        int colon = key.indexOf(':');
        return colon < 0 ? key : key.substring(0, colon + 1) + key.substring(colon + 1).replaceFirst("^/+", "");
    }
}
