package io.cmsrouter.webhook;

import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.spi.Language;
import org.apache.camel.support.ExpressionAdapter;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The {@code channel} language of the router rules (routes/router.camel.yaml): the expression is one or more channel
 * names separated by spaces, where {@code *} matches any run of characters, and it matches an event when any of the
 * event's channels (exchange property {@code channels}) matches any of them. As an expression it gives the most
 * specific channel that matched, or null.
 */
@Component("channel")
public class ChannelLanguage implements Language {
    private final Channels channels;

    public ChannelLanguage(Channels channels) {
        this.channels = channels;
    }

    @Override
    public Predicate createPredicate(String globs) {
        return exchange -> channels.anyMatch(channelsOf(exchange), globs);
    }

    @Override
    public Expression createExpression(String globs) {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return channels.mostSpecificMatch(channelsOf(exchange), globs).orElse(null);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> channelsOf(Exchange exchange) {
        return exchange.getProperty("channels", List.class);
    }
}
