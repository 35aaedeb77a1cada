package io.cmsrouter.reload;

/** A reload that could not take its turn: another is under way, or a route did not finish its work in time. */
public class RoutesBusyException extends RuntimeException {
    private final boolean anotherReload;

    public RoutesBusyException(String message, boolean anotherReload) {
        super(message);
        this.anotherReload = anotherReload;
    }

    /** Another reload (or the start) was under way: trying again shortly makes sense, unlike after a drain timeout. */
    public boolean isAnotherReload() {
        return anotherReload;
    }
}
