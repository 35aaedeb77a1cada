package io.cmsrouter.store;

import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The executions this router is running: queued for a dispatcher or being run. An execution is claimed by whoever
 * hands it over (the intake journal, before the webhook is committed; the backlog sweep; the retry schedule) and
 * released once its run has settled, or when it could not be queued (it then waits on disk for the sweep), so it
 * never runs twice at once. The claims live in this process: one router per database.
 */
@Component("claims")
public class Claims {
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    /** True when the caller may run the execution: nobody in this router is queueing or running it. */
    public boolean claim(String executionUid) {
        return claimed.add(executionUid);
    }

    public void release(@ExchangeProperty("executionUid") String executionUid) {
        claimed.remove(executionUid);
    }

    public int size() {
        return claimed.size();
    }
}
