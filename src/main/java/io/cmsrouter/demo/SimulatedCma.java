package io.cmsrouter.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated stack's Content Management API, in the documented shapes (shared/reference/contentstack-api.md):
 * environments, and a bulk job with its items page by page ({@link DemoCatalogue} says which).
 */
@Profile("demo")
@RestController
@RequestMapping(path = "/demo/contentstack/cma/v3", produces = "application/json")
public class SimulatedCma {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_LIMIT = 100;

    private final DemoCatalogue catalogue;
    private final StackAccess access;
    private final String apiKey;
    /** When each job was first asked for: its items' publish time, so a later job is a newer event. */
    private final Map<String, Instant> jobTimes = new ConcurrentHashMap<>();

    public SimulatedCma(DemoCatalogue catalogue, StackAccess access, DemoProperties properties) {
        this.catalogue = catalogue;
        this.access = access;
        this.apiKey = properties.stack().apiKey();
    }

    @GetMapping("/environments")
    public ResponseEntity<ObjectNode> environments(@RequestHeader HttpHeaders headers) throws InterruptedException {
        return access.refusal(headers, StackAccess.Api.CMA).orElseGet(() ->
                ResponseEntity.ok(NODES.objectNode().set("environments", catalogue.environments())));
    }

    @GetMapping("/environments/{name}")
    public ResponseEntity<ObjectNode> environment(@RequestHeader HttpHeaders headers, @PathVariable String name)
            throws InterruptedException {
        return access.refusal(headers, StackAccess.Api.CMA).orElseGet(() -> catalogue.environment(name)
                .map(e -> ResponseEntity.ok(NODES.objectNode().<ObjectNode>set("environment", e)))
                .orElseGet(() -> StackAccess.error(HttpStatus.UNPROCESSABLE_ENTITY, 141,
                        "The requested object doesn't exist.", "environment")));
    }

    /** {@code GET /v3/bulk/jobs/{job_id}}: a bare object, no wrapper key. */
    @GetMapping("/bulk/jobs/{jobId}")
    public ResponseEntity<ObjectNode> job(@RequestHeader HttpHeaders headers, @PathVariable String jobId)
            throws InterruptedException {
        return jobRefusal(headers).orElseGet(() -> {
            String at = jobTime(jobId).toString();
            ObjectNode job = NODES.objectNode().put("uid", jobId).put("action", DemoCatalogue.jobAction(jobId))
                    .put("status", "complete").put("api_key", apiKey).put("created_at", at).put("updated_at", at);
            ObjectNode body = job.putObject("body").put("branch", "main").put("published_at", at)
                    .putNull("scheduled_at");
            body.putArray("locales").add(DemoCatalogue.LOCALE);
            body.putArray("environments").add(DemoCatalogue.PRODUCTION);
            job.putObject("summary").put("state", "completed").put("success", catalogue.size())
                    .put("unsuccess", 0).put("skip", 0).put("approvals", 0).put("total_processed", catalogue.size());
            return ResponseEntity.ok(job);
        });
    }

    /** {@code GET /v3/bulk/jobs/{job_id}/items}: {@code total_count} only on the first page, when asked for. */
    @GetMapping("/bulk/jobs/{jobId}/items")
    public ResponseEntity<ObjectNode> jobItems(
            @RequestHeader HttpHeaders headers, @PathVariable String jobId,
            @RequestParam(name = "include_count", defaultValue = "false") boolean includeCount,
            @RequestParam(defaultValue = "0") int skip, @RequestParam(defaultValue = "100") int limit)
            throws InterruptedException {
        Optional<ResponseEntity<ObjectNode>> refused = jobRefusal(headers);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (skip < 0 || limit < 1 || limit > MAX_LIMIT) {
            return StackAccess.error(HttpStatus.UNPROCESSABLE_ENTITY, 344,
                    "skip must be 0 or more and limit from 1 to " + MAX_LIMIT + ".", skip < 0 ? "skip" : "limit");
        }
        List<ObjectNode> items = catalogue.jobItems(DemoCatalogue.jobAction(jobId), jobTime(jobId));
        ObjectNode page = NODES.objectNode();
        items.subList(Math.min(skip, items.size()), Math.min(skip + limit, items.size()))
                .forEach(page.putArray("items")::add);
        page.put("skip", skip).put("limit", limit);
        if (includeCount && skip == 0) {
            page.put("total_count", items.size());
        }
        return ResponseEntity.ok(page);
    }

    /** The bulk job APIs also require {@code api_version: 3.2}. */
    private Optional<ResponseEntity<ObjectNode>> jobRefusal(HttpHeaders headers) throws InterruptedException {
        Optional<ResponseEntity<ObjectNode>> refused = access.refusal(headers, StackAccess.Api.CMA);
        if (refused.isEmpty() && !"3.2".equals(headers.getFirst("api_version"))) {
            return Optional.of(StackAccess.error(HttpStatus.BAD_REQUEST, 400,
                    "The bulk job APIs need the header api_version: 3.2.", "api_version"));
        }
        return refused;
    }

    private Instant jobTime(String jobId) {
        return jobTimes.computeIfAbsent(jobId, id -> Instant.now());
    }
}
