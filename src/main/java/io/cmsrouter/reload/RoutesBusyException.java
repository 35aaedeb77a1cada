package io.cmsrouter.reload;

/** A reload that could not take its turn: another is under way, or a route did not finish its work in time. */
public class RoutesBusyException extends RuntimeException {
    public RoutesBusyException(String message) {
        super(message);
    }
}
