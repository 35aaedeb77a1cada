package io.cmsrouter.registration;

import io.cmsrouter.webhook.ChannelCatalogue;
import io.cmsrouter.webhook.ChannelCatalogue.Resolution;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.ExpressionNode;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.WhenDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.springframework.stereotype.Component;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Contentstack channels the router's webhook subscribes to: those named in {@code contentstack.webhook.channels},
 * or else those the router's rules take, read from the running routes (every {@code channel} expression, the rules
 * of routes/router.camel.yaml among them) and resolved by {@link ChannelCatalogue}. Downstream targets add none of
 * their own: they are told of what the rules apply, so an event no rule takes would reach no target either.
 */
@Component
public class RuleChannels {
    private final CamelContext camel;
    private final WebhookProperties webhook;

    public RuleChannels(CamelContext camel, WebhookProperties webhook) {
        this.camel = camel;
        this.webhook = webhook;
    }

    /** The channels, where they come from ("configuration" or "routes"), and the rules that could not be resolved. */
    public record Subscription(List<String> channels, String derivedFrom, List<String> unresolved) {
    }

    public Subscription subscription() {
        if (!webhook.getChannels().isEmpty()) {
            return new Subscription(webhook.getChannels().stream().map(String::trim).distinct().toList(),
                    "configuration", List.of());
        }
        Resolution resolved = ChannelCatalogue.resolve(ruleGlobs());
        return new Subscription(resolved.channels(), "routes", resolved.unresolved());
    }

    /** The expressions of the {@code channel} language in the running routes, in route order. */
    List<String> ruleGlobs() {
        Set<String> globs = new LinkedHashSet<>();
        for (RouteDefinition route : ((ModelCamelContext) camel).getRouteDefinitions()) {
            collect(route.getOutputs(), globs);
        }
        return List.copyOf(globs);
    }

    private static void collect(List<ProcessorDefinition<?>> steps, Set<String> globs) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof ExpressionNode expressive) {
                add(expressive.getExpression(), globs);
            }
            if (step instanceof ChoiceDefinition choice) {
                for (WhenDefinition when : choice.getWhenClauses()) {
                    add(when.getExpression(), globs);
                    collect(when.getOutputs(), globs);
                }
                if (choice.getOtherwise() != null) {
                    collect(choice.getOtherwise().getOutputs(), globs);
                }
            } else {
                collect(step.getOutputs(), globs);
            }
        }
    }

    private static void add(ExpressionDefinition expression, Set<String> globs) {
        if (expression != null && "channel".equals(expression.getLanguage())) {
            globs.add(expression.getExpression().trim());
        }
    }
}
