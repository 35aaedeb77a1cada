package io.cmsrouter.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * An HTTP-style code per execution status, so Contentstack's executions filter works here too:
 * {@code query={"status":{"$gte":"400","$lte":"599"}}} lists the dead letters (failed and partial executions).
 * received, processing and retrying are 202 (in flight), succeeded 200, ignored 204, partial 424 (some items or
 * notifications failed), failed 500.
 */
final class StatusCodes {
    /** received, processing and retrying: still in flight */
    private static final int IN_FLIGHT = 202;
    private static final Map<String, Integer> CODES =
            Map.of("succeeded", 200, "ignored", 204, "partial", 424, "failed", 500);
    /** The same mapping as a SQL expression over a status column, for filtering. */
    static String sql(String column) {
        return CODES.entrySet().stream()
                .map(e -> " when '" + e.getKey() + "' then " + e.getValue())
                .collect(Collectors.joining("", "(case " + column, " else " + IN_FLIGHT + " end)"));
    }

    record Range(int min, int max) {
    }

    private StatusCodes() {
    }

    static int of(String status) {
        return CODES.getOrDefault(status, IN_FLIGHT);
    }

    /** Reads {@code {"status": {"$gte": "400", "$lte": "599"}}} ($gt, $lt and $eq too, numbers or strings). */
    static Range parseQuery(String query, ObjectMapper mapper) {
        JsonNode status;
        try {
            status = mapper.readTree(query).path("status");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("'query' must be JSON such as {\"status\":{\"$gte\":\"400\",\"$lte\":\"599\"}}");
        }
        if (status.isMissingNode()) {
            throw new IllegalArgumentException("'query' supports the 'status' field only");
        }
        if (status.isValueNode()) {
            int code = code(status);
            return new Range(code, code);
        }
        int min = 0;
        int max = 999;
        if (status.has("$eq")) {
            min = max = code(status.get("$eq"));
        }
        if (status.has("$gte")) {
            min = code(status.get("$gte"));
        }
        if (status.has("$gt")) {
            min = code(status.get("$gt")) + 1;
        }
        if (status.has("$lte")) {
            max = code(status.get("$lte"));
        }
        if (status.has("$lt")) {
            max = code(status.get("$lt")) - 1;
        }
        return new Range(min, max);
    }

    private static int code(JsonNode value) {
        try {
            return Integer.parseInt(value.asText().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("status codes in 'query' must be numbers, not '" + value.asText() + "'");
        }
    }
}
