package io.cmsrouter.common;

/** The request names something the router does not have: answered 404. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
