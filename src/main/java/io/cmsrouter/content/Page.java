package io.cmsrouter.content;

import java.util.List;

/**
 * One page of a fan-out: the items to apply, those recorded without applying (Contentstack failed them, or they are
 * unusable), where the next page starts, whether there is one, and how many items there are in all when that is
 * known. Its outcomes are committed together.
 */
public record Page(List<WorkItem> items, List<Outcome> skipped, int next, boolean more, Integer total) {

    /** The page of {@code all} that starts at {@code skip}, at most {@code size} items long. */
    public static Page of(List<WorkItem> all, int skip, int size) {
        int from = Math.min(skip, all.size());
        int to = Math.min(all.size(), from + size);
        return new Page(all.subList(from, to), List.of(), to, to < all.size(), all.size());
    }

    /** Items applied outside any fan-out's order: a scheduled retry's. */
    public static Page of(List<WorkItem> items) {
        return new Page(items, List.of(), 0, false, null);
    }
}
