package io.cmsrouter.content;

/**
 * What applying one work item came to, before it is written: content to publish, an eviction, a delete, or a
 * failure (with whether it is worth a scheduled retry). The execution's ledger writes outcomes in one transaction
 * with the content rows they change (README "Delivery guarantees").
 *
 * @param version the version to order by: the published copy's own {@code _version} when it has one
 * @param url     the published copy's url, which downstream targets purge by
 * @param attempts requests made for this item in this run (1 plus the in-process retries)
 */
public record Outcome(WorkItem item, Kind kind, byte[] content, Integer version, String url, String title,
                      int attempts, String error, boolean retryable) {

    public enum Kind { PUBLISH, UNPUBLISH, DELETE, FAILED, SKIPPED }

    public static Outcome publish(WorkItem item, byte[] content, Integer version, String url, String title,
                                  int attempts) {
        return new Outcome(item, Kind.PUBLISH, content, version, url, title, attempts, null, false);
    }

    public static Outcome evict(WorkItem item, int attempts) {
        // a Contentful unpublish, archive or delete takes the item out of its environment in every locale
        Kind kind = "delete".equals(item.action()) || item.isContentful() ? Kind.DELETE : Kind.UNPUBLISH;
        return new Outcome(item, kind, null, item.version(), null, item.title(), attempts, null, false);
    }

    public static Outcome failed(WorkItem item, String error, boolean retryable, int attempts) {
        return new Outcome(item, Kind.FAILED, null, item.version(), null, item.title(), attempts, error, retryable);
    }

    /** An item Contentstack itself failed to publish: recorded, never fetched. */
    public static Outcome skipped(WorkItem item, String reason) {
        return new Outcome(item, Kind.SKIPPED, null, item.version(), null, item.title(), 0, reason, false);
    }

    /** Whether writing it changes the content store. */
    public boolean changesContent() {
        return kind == Kind.PUBLISH || kind == Kind.UNPUBLISH || kind == Kind.DELETE;
    }
}
