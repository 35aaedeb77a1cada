package io.cmsrouter.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.common.Timestamps;
import io.cmsrouter.intake.IntakeJournal.Recovery;
import io.cmsrouter.reconcile.Checkpoints.Window;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Reads Contentstack's "Get executions of a webhook" (seed 004): pages of at most {@value #PAGE} executions by
 * {@code skip}/{@code limit} within {@code from}/{@code to}, newest first; which of them did not succeed (a
 * {@code status} of 400-599, or none, as when the connection was refused or reset); and, for each, the event it
 * carried as the router would have received it, and when Contentstack first sent it.
 */
@Component("executionsLog")
public class ExecutionsLog {
    /** Contentstack's most executions per answer. */
    static final int PAGE = 100;
    /**
     * When the first attempt is not on record: Contentstack logs an execution once that attempt is answered or has
     * timed out (30 s), so it was sent about this long, at most, before the execution's created_at (seed 004's: 10 s).
     */
    static final Duration FIRST_ATTEMPT_BEFORE_LOGGED = Duration.ofSeconds(30);

    private final ObjectMapper mapper;

    public ExecutionsLog(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * An execution that did not succeed, reduced to what recovering it needs: where it came from and when it was
     * first sent, the event (null when none is on record) and its headers; or why it cannot be recovered.
     */
    public record FailedExecution(Recovery recovery, ObjectNode event, Map<String, Object> headers, String problem) {
    }

    /** One page: the executions that failed, whether another page follows and where it starts. */
    public record ExecutionsPage(List<FailedExecution> failed, boolean more, int next, String firstUid) {
    }

    public String path(@ExchangeProperty("webhook") JsonNode webhook) {
        return "/v3/webhooks/" + webhook.path("uid").asText() + "/executions";
    }

    public String query(@ExchangeProperty("reconcileWindow") Window window, @ExchangeProperty("skip") int skip) {
        return "from=" + encode(window.from().toString()) + "&to=" + encode(window.to().toString())
                + "&skip=" + skip + "&limit=" + PAGE;
    }

    /** Reads a page; a page equal to the one before means the API ignores skip, and reading would never end. */
    public ExecutionsPage read(@Body JsonNode answer, @ExchangeProperty("skip") int skip,
                               @ExchangeProperty("reconcilePage") ExecutionsPage previous,
                               @ExchangeProperty("reconcileRun") Run run) {
        JsonNode executions = answer.path("webhooks");
        String firstUid = executions.path(0).path("uid").asText(null);
        if (previous != null && firstUid != null && firstUid.equals(previous.firstUid())) {
            throw new IllegalStateException("the executions API answered skip=" + skip + " with the page before it");
        }
        List<FailedExecution> failed = new ArrayList<>();
        executions.forEach(execution -> {
            if (failed(execution)) {
                failed.add(failedExecution(execution));
            }
        });
        run.executionsSeen += executions.size();
        run.failedSeen += failed.size();
        return new ExecutionsPage(failed, executions.size() >= PAGE, skip + executions.size(), firstUid);
    }

    /** Where a window's failed executions are collected. */
    public List<FailedExecution> startCollecting() {
        return new ArrayList<>();
    }

    /** Adds a page's failed executions to the window's. */
    public void collect(@ExchangeProperty("reconcilePage") ExecutionsPage page,
                        @ExchangeProperty("reconcileFailed") List<FailedExecution> collected) {
        collected.addAll(page.failed());
    }

    /**
     * The window's failed executions in the order Contentstack first sent them (it lists newest first), so they are
     * recorded in event order, as live deliveries are.
     */
    public List<FailedExecution> oldestFirst(@ExchangeProperty("reconcileFailed") List<FailedExecution> collected) {
        return collected.stream().sorted(Comparator.comparing(f -> f.recovery().firstSentAt(),
                Comparator.nullsFirst(Comparator.naturalOrder()))).toList();
    }

    /** Success is a status of 200-399 (Contentstack's own filter); anything else, no status included, failed. */
    static boolean failed(JsonNode execution) {
        JsonNode status = execution.get("status");
        if (status == null || status.isNull() || status.asText().isBlank()) {
            return true;
        }
        int code = status.asInt(-1);
        return code < 200 || code > 399;
    }

    FailedExecution failedExecution(JsonNode execution) {
        String uid = execution.path("uid").asText();
        Instant firstSent = firstSent(execution);
        Recovery recovery = new Recovery(uid, firstSent);
        if (firstSent == null) {
            return new FailedExecution(recovery, null, Map.of(), "no time on record for its first attempt");
        }
        return new FailedExecution(recovery, event(execution, firstSent), headers(execution), null);
    }

    /**
     * When Contentstack first sent the event: the first attempt's triggered_at; when only later attempts are listed
     * (the log of an execution holds its latest), no later than the execution was logged, less the time an attempt
     * may take; null when neither is known.
     */
    static Instant firstSent(JsonNode execution) {
        List<JsonNode> attempts = attempts(execution);
        Optional<JsonNode> first = attempts.stream().filter(a -> a.path("retry_number").asInt(-1) == 0).findFirst();
        if (first.isPresent()) {
            Instant at = instant(first.get().path("request").path("body").path("triggered_at"));
            if (at != null) {
                return at;
            }
        }
        Instant logged = instant(execution.path("created_at"));
        Instant earliestAttempt = attempts.stream()
                .map(a -> instant(a.path("request").path("body").path("triggered_at")))
                .filter(at -> at != null).min(Comparator.naturalOrder()).orElse(null);
        Instant bound = logged == null ? null : logged.minus(FIRST_ATTEMPT_BEFORE_LOGGED);
        if (bound == null || earliestAttempt != null && earliestAttempt.isBefore(bound)) {
            return earliestAttempt;
        }
        return bound;
    }

    /**
     * The event as it was sent: an attempt's body (attempts differ only in triggered_at), else event_data (the
     * payload without triggered_at, and not always byte for byte the body); with the first attempt's triggered_at.
     */
    private ObjectNode event(JsonNode execution, Instant firstSent) {
        Optional<JsonNode> body = attempts(execution).stream()
                .map(a -> a.path("request").path("body")).filter(b -> b.isObject() && b.has("module")).findFirst();
        JsonNode data = execution.path("event_data");
        ObjectNode event = body.map(b -> (ObjectNode) b.deepCopy())
                .orElse(data.isObject() && data.has("module") ? data.deepCopy() : null);
        if (event != null) {
            event.put("triggered_at", firstSent.toString());
        }
        return event;
    }

    /** The headers Contentstack sent (the journal redacts the signatures and credentials before it stores them). */
    private static Map<String, Object> headers(JsonNode execution) {
        Map<String, Object> headers = new LinkedHashMap<>();
        execution.path("event_headers").fields().forEachRemaining(h ->
                headers.put(h.getKey(), h.getValue().isNull() ? null : h.getValue().asText()));
        return headers;
    }

    public byte[] bytes(@ExchangeProperty("event") JsonNode event) throws JsonProcessingException {
        return mapper.writeValueAsBytes(event);
    }

    public String retryPath(@ExchangeProperty("recovery") Recovery recovery) {
        return "/v3/webhooks/" + recovery.executionUid() + "/retry";
    }

    /** request_details is a list on "Get executions", one object on an execution's log. */
    private static List<JsonNode> attempts(JsonNode execution) {
        JsonNode details = execution.path("request_details");
        return details.isArray() ? StreamSupport.stream(details.spliterator(), false).toList()
                : details.isObject() ? List.of(details) : List.of();
    }

    private static Instant instant(JsonNode text) {
        return Timestamps.parseOr(text.isTextual() ? text.asText() : null, null);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
