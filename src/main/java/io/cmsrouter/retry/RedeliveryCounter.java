package io.cmsrouter.retry;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * Counts redeliveries on the exchange (Camel's own counter header is removed once a failure is handled), so an
 * item's result can say how many attempts it took: one plus this count.
 */
@Component("countRedelivery")
public class RedeliveryCounter implements Processor {
    public static final String PROPERTY = "redeliveries";

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(PROPERTY, exchange.getProperty(PROPERTY, 0, Integer.class) + 1);
    }
}
