package io.cmsrouter.common;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 instants as Contentstack writes them ({@code 2026-03-25T10:00:00.000Z}), read without the formatter
 * machinery that {@link Instant#parse} sets up on every call; anything else goes to {@link Instant#parse}.
 */
public final class Timestamps {
    private Timestamps() {
    }

    /** @throws DateTimeParseException when the text is not an ISO-8601 instant */
    public static Instant parse(CharSequence text) {
        int length = text.length();
        if ((length == 20 || length == 24) && text.charAt(length - 1) == 'Z' && text.charAt(4) == '-'
                && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':'
                && (length == 20 || text.charAt(19) == '.')) {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 2);
            int day = digits(text, 8, 2);
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int second = digits(text, 17, 2);
            int millis = length == 24 ? digits(text, 20, 3) : 0;
            if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && millis >= 0) {
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
                            .toInstant(ZoneOffset.UTC);
                } catch (java.time.DateTimeException outOfRange) {
                    throw new DateTimeParseException(outOfRange.getMessage(), text, 0);
                }
            }
        }
        return Instant.parse(text);
    }

    /** The decimal number in {@code text[from, from + count)}, or -1 when a character is not a digit. */
    private static int digits(CharSequence text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
