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
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSentEvent sent && sent.getExchange().getProperty(API) != null
                && sent.getEndpoint().getEndpointUri().startsWith("http");
    }

    @Override
    public void notify(CamelEvent event) {
        CamelEvent.ExchangeSentEvent sent = (CamelEvent.ExchangeSentEvent) event;
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
