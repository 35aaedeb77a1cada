package io.cmsrouter.execution;

import io.cmsrouter.webhook.Channels;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * GET /executions?channel=...: an execution's channels are derived from its event when it is served, not stored,
 * so the newest executions that meet the other filters are read in batches and matched (the router rules' language:
 * channel names separated by spaces, {@code *} for any run of characters), at most {@link #SCAN_LIMIT} of them.
 */
final class ChannelScan {
    static final int SCAN_LIMIT = 5_000;
    private static final int BATCH = 200;

    record Result(List<Map<String, Object>> page, long matched, long scanned) {
    }

    private ChannelScan() {
    }

    /** The page {@code skip}/{@code limit} of the matches of {@code select} (ordered newest first) for {@code globs}. */
    @SuppressWarnings("unchecked")
    static Result page(JdbcTemplate jdbc, String select, List<Object> args, RowMapper<Map<String, Object>> view,
                       Channels channels, String globs, int skip, int limit) {
        List<Map<String, Object>> page = new ArrayList<>();
        long matched = 0;
        long scanned = 0;
        while (scanned < SCAN_LIMIT) {
            List<Object> batchArgs = new ArrayList<>(args);
            batchArgs.add(BATCH);
            batchArgs.add(scanned);
            List<Map<String, Object>> batch = jdbc.query(select + " limit ? offset ?", view, batchArgs.toArray());
            for (Map<String, Object> execution : batch) {
                if (channels.anyMatch((Collection<String>) execution.get("channel"), globs)
                        && matched++ >= skip && page.size() < limit) {
                    page.add(execution);
                }
            }
            scanned += batch.size();
            if (batch.size() < BATCH) {
                break;
            }
        }
        return new Result(page, matched, scanned);
    }
}
