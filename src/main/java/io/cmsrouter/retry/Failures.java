package io.cmsrouter.retry;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * Which failures are worth retrying: of an HTTP call (to the CMS or to a downstream target), I/O errors, 5xx and 429,
 * not other 4xx (404, 422, 401...); of the database, the transient ones (a lock timeout, say).
 */
@Component("failures")
public class Failures {

    public boolean isTransient(Exchange exchange) {
        return isTransientCause(of(exchange));
    }

    /** The failure being handled: the exchange's exception, or the one an error handler caught. */
    public static Throwable of(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    public static boolean isTransientCause(Throwable t) {
        int status = statusCode(t);
        if (status > 0) {
            return status >= 500 || status == 429;
        }
        // a lock or query timeout, or a connection the pool could not give in time, passes
        return causeOf(t, IOException.class) != null || causeOf(t, TransientDataAccessException.class) != null;
    }

    /** The HTTP status of a failed call, or -1 when the failure is not an HTTP answer. */
    public static int statusCode(Throwable t) {
        HttpOperationFailedException http = httpAnswer(t);
        return http == null ? -1 : http.getStatusCode();
    }

    /** The non-2xx answer behind a failure, however wrapped (the circuit breaker wraps it), or null. */
    public static HttpOperationFailedException httpAnswer(Throwable t) {
        return causeOf(t, HttpOperationFailedException.class);
    }

    /** The first failure of that type in the cause chain, or null. */
    public static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /**
     * What went wrong, in words an operator can act on: the HTTP answer (the URL without its query, which may hold
     * a secret), else the first cause that is not a wrapper.
     */
    public static String describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CamelExecutionException || cause instanceof CamelExchangeException
                || cause != null && cause.getClass() == RuntimeCamelException.class) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpOperationFailedException http) {
            String body = http.getResponseBody() == null ? "" : http.getResponseBody();
            String uri = http.getUri() == null ? "" : http.getUri().replaceFirst("\\?.*", "");
            return "HTTP " + http.getStatusCode() + " from " + uri
                    + (body.isBlank() ? "" : ": " + body.substring(0, Math.min(300, body.length())));
        }
        return cause == null ? "unknown failure" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
