package io.cmsrouter.source;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

import java.util.concurrent.TimeUnit;

/**
 * {@code router.cms.requests}: every call to a CMS API, timed, by API and HTTP status (README "Metrics"), so 429s
 * and 5xx are counted where they happen, before any retry. The routes that call a CMS name its API in the exchange
 * property {@value #API} just before the call (routes/contentstack.camel.yaml, routes/contentful.camel.yaml).
 */
@Component
public class CmsCallMeters extends EventNotifierSupport {
    public static final String API = "cmsApi";
    private final MeterRegistry meters;

    public CmsCallMeters(MeterRegistry meters) {
        this.meters = meters;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    /**
     * Sending events too: Camel raises the sent event only when a notifier took the sending one, and this must not
     * depend on another notifier (camel-micrometer's) being there.
     */
    @Override
    public boolean isEnabled(CamelEvent event) {
        return (event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent)
                && event instanceof CamelEvent.ExchangeEvent exchangeEvent
                && exchangeEvent.getExchange().getProperty(API) != null && endpointUri(event).startsWith("http");
    }

    private static String endpointUri(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent sending ? sending.getEndpoint().getEndpointUri()
                : ((CamelEvent.ExchangeSentEvent) event).getEndpoint().getEndpointUri();
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof CamelEvent.ExchangeSentEvent sent)) {
            return;
        }
        Exchange exchange = sent.getExchange();
        Timer.builder("router.cms.requests").description("Calls to a CMS API")
                .tags("api", exchange.getProperty(API, String.class), "status", status(exchange))
                .register(meters).record(sent.getTimeTaken(), TimeUnit.MILLISECONDS);
    }

    /** The answer's status; "none" when no answer came (a timeout, a refused connection). */
    static String status(Exchange exchange) {
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Exception failure = exchange.getException();
        if (failure != null) {
            HttpOperationFailedException http = exchange.getException(HttpOperationFailedException.class);
            return http != null ? Integer.toString(http.getStatusCode()) : "none";
        }
        return code == null ? "none" : code.toString();
    }
}
