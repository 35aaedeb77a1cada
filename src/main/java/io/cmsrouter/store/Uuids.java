package io.cmsrouter.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Time-ordered UUIDs (version 7, RFC 9562): a millisecond timestamp, then a counter within the millisecond, then
 * random bits. Rows keyed by them are appended at the end of their index instead of landing on a random page,
 * which keeps a group commit's writes together; they also sort in creation order.
 */
public final class Uuids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static long lastMillis;
    private static long counter;

    private Uuids() {
    }

    public static synchronized UUID timeOrdered() {
        long now = System.currentTimeMillis();
        if (now > lastMillis) {
            lastMillis = now;
            counter = RANDOM.nextInt(1 << 8);
        } else if (++counter >= 1 << 12) {
            // 4,096 in one millisecond: borrow the next one so the order holds
            lastMillis++;
            counter = 0;
        }
        long high = (lastMillis << 16) | 0x7000L | counter;
        long low = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

    /** The UUID in a path or query parameter, or null when it is not one (the caller answers "not found"). */
    public static UUID parseOrNull(String text) {
        if (text == null || text.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }
}
