package io.cmsrouter.common;

/**
 * Text cut to the column that stores it: errors, titles and urls come from outside and may be any length, and hold
 * any character, NUL too, which PostgreSQL's text types cannot store (it becomes U+FFFD).
 */
public final class Texts {
    private Texts() {
    }

    public static String cut(String s, int max) {
        if (s == null) {
            return null;
        }
        String storable = s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
        return storable.length() <= max ? storable : storable.substring(0, max);
    }
}
