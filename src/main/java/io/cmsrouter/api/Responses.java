package io.cmsrouter.api;

import io.cmsrouter.common.ConflictException;
import io.cmsrouter.common.ErrorBody;
import io.cmsrouter.common.NotFoundException;
import io.cmsrouter.intake.IntakeUnavailableException;
import io.cmsrouter.retry.Failures;
import io.cmsrouter.security.WebhookRejectedException;
import io.cmsrouter.webhook.InvalidEventException;
import io.cmsrouter.webhook.MalformedWebhookException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON bodies of the HTTP API: the webhook ack, and every error, where the domain's exceptions get their HTTP
 * status (a reason the caller can act on, never a stack trace).
 */
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

    /** Maps the exception the route caught to a status and a reason. */
    public Map<String, Object> failure(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String request = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class) + " "
                + exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        int status = statusOf(cause);
        if (cause instanceof IntakeUnavailableException closed) {
            exchange.getMessage().setHeader("Retry-After", closed.getRetryAfterSeconds());
        }
        if (status == 500) {
            LOG.error("Failed {}", request, cause);
            return error(exchange, 500, "internal error; see the router's log");
        }
        String reason = status == 502 ? "the CMS call failed: " + Failures.describe(cause) : cause.getMessage();
        if (status != 404 && status != 409) {
            LOG.info("Refused {}: {} {}", request, status, reason);
        }
        return error(exchange, status, reason);
    }

    private static final List<Class<? extends java.io.IOException>> CMS_UNREACHABLE = List.of(
            java.net.SocketException.class, java.net.UnknownHostException.class, java.net.SocketTimeoutException.class,
            org.apache.hc.core5.http.NoHttpResponseException.class);

    static int statusOf(Throwable cause) {
        if (cause instanceof WebhookRejectedException) {
            return 401;
        }
        if (cause instanceof MalformedWebhookException || cause instanceof IllegalArgumentException
                || cause instanceof org.apache.camel.TypeConversionException) {
            return 400;
        }
        if (cause instanceof InvalidEventException) {
            return 422;
        }
        if (cause instanceof NotFoundException) {
            return 404;
        }
        if (cause instanceof ConflictException) {
            return 409;
        }
        if (cause instanceof IntakeUnavailableException) {
            return 503;
        }
        if (Failures.httpAnswer(cause) != null || CMS_UNREACHABLE.stream().anyMatch(t -> Failures.causeOf(cause, t) != null)) {
            // an admin request that needed the CMS, which failed or could not be reached
            return 502;
        }
        return 500;
    }

    private static Map<String, Object> error(Exchange exchange, int status, String reason) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        return ErrorBody.of(status, reason);
    }
}
