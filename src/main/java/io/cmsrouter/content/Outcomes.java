package io.cmsrouter.content;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.retry.Failures;
import io.cmsrouter.retry.RedeliveryCounter;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns what apply-item (routes/cache.camel.yaml) did with a work item into an {@link Outcome}, kept on the exchange
 * (property {@value #OUTCOME}) until the ledger writes it; and, as the splits' aggregation strategy, gathers the
 * outcomes of a page's items into one list (the split's body) to be written together.
 */
@Component("outcomes")
public class Outcomes implements AggregationStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);
    public static final String OUTCOME = "outcome";

    private final ObjectMapper mapper;
    private final CamelContext camel;

    public Outcomes(ObjectMapper mapper, CamelContext camel) {
        this.mapper = mapper;
        this.camel = camel;
    }

    /** The item's published copy (from the payload or the CDA); its own {@code _version} orders it. */
    public Outcome publish(@ExchangeProperty("item") WorkItem item, @Body JsonNode copy,
                           @ExchangeProperty(RedeliveryCounter.PROPERTY) Integer redeliveries, Exchange exchange)
            throws JsonProcessingException {
        JsonNode version = copy.get("_version");
        Integer effective = version != null && version.canConvertToInt() ? Integer.valueOf(version.asInt()) : item.version();
        return keep(exchange, Outcome.publish(item, mapper.writeValueAsBytes(copy), effective, text(copy, "url"),
                text(copy, "title") != null ? text(copy, "title") : item.title(), attempts(redeliveries)));
    }

    /** An unpublish (the item in its environment and locale) or a delete (everywhere). */
    public Outcome evict(@ExchangeProperty("item") WorkItem item,
                         @ExchangeProperty(RedeliveryCounter.PROPERTY) Integer redeliveries, Exchange exchange) {
        return keep(exchange, Outcome.evict(item, attempts(redeliveries)));
    }

    /**
     * The item's failure, once in-process retries are used up or pointless: retryable when it is transient (I/O,
     * 5xx, 429), so the ledger can schedule it. A failure caused by a forced shutdown is no outcome: the item
     * runs again after the restart.
     */
    public void failed(Exchange exchange) {
        WorkItem item = exchange.getProperty("item", WorkItem.class);
        if (camel.getShutdownStrategy().isForceShutdown()) {
            exchange.removeProperty(OUTCOME);
            return;
        }
        Throwable cause = Failures.of(exchange);
        String reason = Failures.describe(cause);
        LOG.warn("Execution {}: {} {} failed: {}", exchange.getProperty("executionUid"), item.type(), item.uid(), reason);
        keep(exchange, Outcome.failed(item, reason, Failures.isTransientCause(cause),
                attempts(exchange.getProperty(RedeliveryCounter.PROPERTY, Integer.class))));
    }

    private static Outcome keep(Exchange exchange, Outcome outcome) {
        exchange.setProperty(OUTCOME, outcome);
        exchange.getMessage().setBody(outcome);
        return outcome;
    }

    /**
     * Collects each item's outcome; the result is a fresh exchange whose body is the list, so an item's handled
     * failure never stops the route that split the page.
     */
    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange collected, Exchange item) {
        Exchange result = collected;
        if (result == null) {
            result = new DefaultExchange(item.getContext());
            result.getMessage().setBody(new ArrayList<Outcome>());
        }
        Outcome outcome = item.getProperty(OUTCOME, Outcome.class);
        if (outcome != null) {
            result.getMessage().getBody(List.class).add(outcome);
        }
        return result;
    }

    private static int attempts(Integer redeliveries) {
        return 1 + (redeliveries == null ? 0 : redeliveries);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isValueNode() ? value.asText() : null;
    }
}
