package io.cmsrouter.content;

import java.util.List;

/**
 * Items applied and committed together: one page of a fan-out (the items to apply, those recorded without applying
 * because Contentstack failed them or they are unusable, where the next page starts, whether there is one, how many
 * items there are in all when that is known), or the items of one execution whose scheduled retry is due.
 */
public record Page(List<WorkItem> items, List<Outcome> skipped, int next, boolean more, Integer total,
                   boolean retried) {

    /** A page of a fan-out: its items have no result yet. */
    public static Page of(List<WorkItem> items, List<Outcome> skipped, int next, boolean more, Integer total) {
        return new Page(items, skipped, next, more, total, false);
    }

    /** The page of {@code all} that starts at {@code skip}, at most {@code size} items long. */
    public static Page of(List<WorkItem> all, int skip, int size) {
        int from = Math.min(skip, all.size());
        int to = Math.min(all.size(), from + size);
        return of(all.subList(from, to), List.of(), to, to < all.size(), all.size());
    }

    /** Items whose scheduled retry is due: each has a result already, which this run updates. */
    public static Page retry(List<WorkItem> items) {
        return new Page(items, List.of(), 0, false, null, true);
    }
}
