package io.cmsrouter.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every request to the simulated stack goes through: a little latency, as a real API has, and the credentials
 * Contentstack checks, answered with its statuses and error body (shared/reference/contentstack-api.md: 412 for the
 * API key, 401 with error_code 105 for a token).
 */
@Profile("demo")
@Component
public class StackAccess {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The two APIs, each with the header that carries its token. */
    public enum Api { CMA, CDA }

    private final DemoProperties.Stack stack;

    public StackAccess(DemoProperties properties) {
        this.stack = properties.stack();
    }

    /** After the latency, a refusal when the request lacks the stack's credentials; empty when it may proceed. */
    public Optional<ResponseEntity<ObjectNode>> refusal(HttpHeaders headers, Api api) throws InterruptedException {
        Thread.sleep(latency().toMillis());
        if (!same(stack.apiKey(), headers.getFirst("api_key"))) {
            // the reference gives the status only; the error codes the simulator makes up are not Contentstack's word
            return Optional.of(error(HttpStatus.PRECONDITION_FAILED, 109, "Api key is not valid.", "api_key"));
        }
        boolean cma = api == Api.CMA;
        String token = headers.getFirst(cma ? "authorization" : "access_token");
        if (!same(cma ? stack.managementToken() : stack.deliveryToken(), token)) {
            return Optional.of(error(HttpStatus.UNAUTHORIZED, 105,
                    "You're not allowed in here unless you're logged in.", cma ? "authorization" : "access_token"));
        }
        return Optional.empty();
    }

    /** Contentstack's error body: {@code {"error_message", "error_code", "errors": {field: [reason]}}}. */
    public static ResponseEntity<ObjectNode> error(HttpStatus status, int code, String message, String field) {
        ObjectNode body = NODES.objectNode().put("error_message", message).put("error_code", code);
        body.putObject("errors").putArray(field).add(message);
        return ResponseEntity.status(status).body(body);
    }

    private Duration latency() {
        long min = stack.minLatency().toMillis();
        long max = Math.max(min, stack.maxLatency().toMillis());
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(min, max + 1));
    }

    private static boolean same(String expected, String given) {
        return expected != null && !expected.isEmpty() && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
