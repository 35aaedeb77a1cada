package io.cmsrouter.contentstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.content.WorkItem;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
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

    /** The item with its environment name filled in; an uid the stack does not know is a permanent failure. */
    public WorkItem name(@ExchangeProperty("item") WorkItem item,
                         @ExchangeProperty("environmentNames") Map<String, String> names) {
        String name = names.get(item.environmentUid());
        if (name == null) {
            throw new UnknownEnvironmentException(item.environmentUid());
        }
        return item.withEnvironment(name);
    }

    public static class UnknownEnvironmentException extends RuntimeException {
        public UnknownEnvironmentException(String uid) {
            super("environment uid '" + uid + "' is not in GET /v3/environments");
        }
    }
}
