package io.cmsrouter.reload;

/** New routes that failed to start, and previous ones that could not be put back: the router must be restarted. */
public class RoutesBrokenException extends RuntimeException {
    public RoutesBrokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
