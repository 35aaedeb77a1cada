package io.cmsrouter.common;

/** Text cut to the column that stores it: errors, titles and urls come from outside and may be any length. */
public final class Texts {
    private Texts() {
    }

    public static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
