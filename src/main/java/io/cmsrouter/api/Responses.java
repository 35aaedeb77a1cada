package io.cmsrouter.api;

import io.cmsrouter.execution.Intake;
import io.cmsrouter.webhook.InvalidWebhookException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON bodies of the HTTP API: the webhook ack and every error (a reason, never a stack trace). */
@Component("responses")
public class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    public Map<String, Object> accepted(@ExchangeProperty("executionUid") String executionUid,
                                        @ExchangeProperty("channels") List<String> channels) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("execution_uid", executionUid);
        body.put("channels", channels);
        return body;
    }

    /** A redelivery of an event already recorded: 200 with the first execution, nothing processed twice. */
    public Map<String, Object> duplicate(Exchange exchange, @ExchangeProperty("executionUid") String executionUid) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("execution_uid", executionUid);
        body.put("duplicate", true);
        return body;
    }

    public Map<String, Object> notFound(Exchange exchange) {
        return error(exchange, 404, "not found in the cache");
    }

    /** Maps the exception the route caught to a status and a reason the caller can act on. */
    public Map<String, Object> failure(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String request = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class) + " "
                + exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (cause instanceof Intake.ServiceUnavailableException draining) {
            exchange.getMessage().setHeader("Retry-After", draining.getRetryAfterSeconds());
        }
        if (cause instanceof ConflictException conflict) {
            return error(exchange, 409, conflict.getMessage());
        }
        if (cause instanceof InvalidWebhookException invalid) {
            LOG.info("Refused {}: {} {}", request, invalid.getStatus(), invalid.getMessage());
            return error(exchange, invalid.getStatus(), invalid.getMessage());
        }
        if (cause instanceof IllegalArgumentException || cause instanceof org.apache.camel.TypeConversionException) {
            LOG.info("Refused {}: 400 {}", request, cause.getMessage());
            return error(exchange, 400, cause.getMessage());
        }
        if (cause instanceof NotFoundException) {
            return error(exchange, 404, cause.getMessage());
        }
        LOG.error("Failed {}", request, cause);
        return error(exchange, 500, "internal error; see the router's log");
    }

    private static Map<String, Object> error(Exchange exchange, int status, String reason) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        return errorBody(status, reason);
    }

    /** Every error the router answers: {@code {"error": reason, "status": status}}. */
    public static Map<String, Object> errorBody(int status, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason);
        body.put("status", status);
        return body;
    }
}
