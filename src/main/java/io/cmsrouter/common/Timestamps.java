package io.cmsrouter.common;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * ISO-8601 instants in UTC as Contentstack writes them ({@code 2026-03-25T10:00:00.000Z}, with 0 to 9 fraction
 * digits), read without the formatter machinery that {@link Instant#parse} sets up on every call; anything else goes
 * to {@link Instant#parse}.
 */
public final class Timestamps {
    private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private Timestamps() {
    }

    /** A timestamp column's value as JDBC gives it: a {@link java.sql.Timestamp} or an {@link java.time.OffsetDateTime}. */
    public static Instant of(Object column) {
        return column instanceof java.time.OffsetDateTime o ? o.toInstant() : ((java.sql.Timestamp) column).toInstant();
    }

    /** The instant an ISO-8601 text names, or {@code fallback} when it is absent, blank or not one. */
    public static Instant parseOr(String iso, Instant fallback) {
        if (iso == null || iso.isBlank()) {
            return fallback;
        }
        try {
            return parse(iso);
        } catch (DateTimeParseException unreadable) {
            return fallback;
        }
    }

    /** @throws DateTimeParseException when the text is not an ISO-8601 instant */
    public static Instant parse(CharSequence text) {
        Instant fast = utc(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for any other form. */
    private static Instant utc(CharSequence text) {
        int length = text.length();
        if (length < 20 || length > 30 || length == 21 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
                || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || length > 20 && text.charAt(19) != '.') {
            return null;
        }
        int fraction = length == 20 ? 0 : length - 21;
        int nanos = fraction == 0 ? 0 : digits(text, 20, fraction);
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (nanos < 0 || year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos * SCALE[fraction])
                    .toInstant(ZoneOffset.UTC);
        } catch (DateTimeException outOfRange) {
            throw new DateTimeParseException(outOfRange.getMessage(), text, 0);
        }
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
