package io.cmsrouter.contentstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.content.WorkItem;
import io.cmsrouter.webhook.Identifiers;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.caffeine.CaffeineConstants;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.Map;

/** Environment uid → name, from {@code GET /v3/environments}: job items name environments by uid, the CDA by name. */
@Component("environments")
public class Environments {

    public Map<String, String> index(@Body JsonNode response) {
        Map<String, String> names = new HashMap<>();
        for (JsonNode env : response.path("environments")) {
            if (env.hasNonNull("uid") && env.hasNonNull("name")) {
                names.put(env.get("uid").asText(), env.get("name").asText());
            }
        }
        return names;
    }

    /**
     * True when there is no cached lookup, or when the item in hand names an environment the cached lookup lacks
     * (one created since it was cached), so the lookup should be refreshed from the CMA.
     */
    @SuppressWarnings("unchecked")
    public boolean stale(@Header(CaffeineConstants.ACTION_HAS_RESULT) Boolean cached, @Body Object lookup,
                         @ExchangeProperty("item") WorkItem item) {
        // on a miss the cache leaves the body as it was, so only a hit makes the body the lookup
        return !Boolean.TRUE.equals(cached) || (item != null && item.needsEnvironmentName()
                && !((Map<String, String>) lookup).containsKey(item.environmentUid()));
    }

    /**
     * The item with its environment name filled in; an uid the stack does not know, or a name the router could not
     * store or key by, is a permanent failure.
     */
    public WorkItem name(@ExchangeProperty("item") WorkItem item,
                         @ExchangeProperty("environmentNames") Map<String, String> names) {
        String name = names.get(item.environmentUid());
        if (name == null) {
            throw new UnknownEnvironmentException("environment uid '" + item.environmentUid()
                    + "' is not in GET /v3/environments");
        }
        if (!Identifiers.NAME.accepts(name)) {
            throw new UnknownEnvironmentException("environment uid '" + item.environmentUid() + "' is named with"
                    + " more than 128 characters, or characters other than " + Identifiers.NAME.allowed());
        }
        return item.withEnvironment(name);
    }

    public static class UnknownEnvironmentException extends RuntimeException {
        public UnknownEnvironmentException(String reason) {
            super(reason);
        }
    }
}
