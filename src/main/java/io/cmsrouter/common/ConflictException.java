package io.cmsrouter.common;

/** The request cannot be carried out in the current state of what it names: answered 409. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
