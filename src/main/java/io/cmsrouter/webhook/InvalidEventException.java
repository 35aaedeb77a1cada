package io.cmsrouter.webhook;

/** Well-formed JSON that is not an event the router can take: a field is missing, of the wrong type, or unusable. */
public class InvalidEventException extends RuntimeException {
    private final String field;

    public InvalidEventException(String field, String reason) {
        super("field '" + shortened(field) + "' " + reason);
        this.field = field;
    }

    /** A path made of keys from the payload can be as long as the payload; the answer names its ends. */
    private static String shortened(String field) {
        return field.length() <= 200 ? field : field.substring(0, 100) + "..." + field.substring(field.length() - 97);
    }

    public String getField() {
        return field;
    }
}
