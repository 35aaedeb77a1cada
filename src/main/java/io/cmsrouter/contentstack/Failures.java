package io.cmsrouter.contentstack;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.stereotype.Component;

import java.io.IOException;

/** Which failures of a CMS call are worth retrying: I/O errors, 5xx and 429. Other 4xx (404, 422, 401...) are not. */
@Component("failures")
public class Failures {

    public boolean isTransient(Exchange exchange) {
        Throwable failure = exchange.getException();
        return isTransientCause(failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    static boolean isTransientCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpOperationFailedException http) {
                return http.getStatusCode() >= 500 || http.getStatusCode() == 429;
            }
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
