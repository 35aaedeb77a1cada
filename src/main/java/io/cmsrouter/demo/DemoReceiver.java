package io.cmsrouter.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.common.ErrorBody;
import io.cmsrouter.downstream.DownstreamProperties;
import io.cmsrouter.downstream.StandardWebhooks;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A downstream target to point the router at: {@code POST /demo/receiver} checks a notification's Standard Webhooks
 * signature with the secret of the target named {@code demo.receiver.target}, and {@code GET /demo/receiver} lists
 * the last {@code demo.receiver.keep} it got, newest first, verified or not.
 */
@Profile("demo")
@RestController
@RequestMapping(path = "/demo/receiver", produces = "application/json")
public class DemoReceiver {
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final ObjectMapper mapper;
    private final byte[] key;
    private final String target;
    private final int keep;
    private final Deque<ObjectNode> notifications = new ArrayDeque<>();
    private long received;

    public DemoReceiver(ObjectMapper mapper, DemoProperties properties, DownstreamProperties downstream) {
        this.mapper = mapper;
        this.target = properties.receiver().target();
        this.keep = properties.receiver().keep();
        this.key = downstream.getTargets().stream().filter(t -> target.equals(t.getName())).findFirst()
                .map(DownstreamProperties.Target::signingKey).orElse(null);
    }

    @PostMapping
    public ResponseEntity<Map<String, Object>> receive(
            @RequestHeader(name = StandardWebhooks.ID, required = false) String id,
            @RequestHeader(name = StandardWebhooks.TIMESTAMP, required = false) String timestamp,
            @RequestHeader(name = StandardWebhooks.SIGNATURE, required = false) String signatures,
            @RequestBody(required = false) byte[] body) {
        byte[] content = body == null ? new byte[0] : body;
        String refusal = refusal(id, timestamp, signatures, content);
        ObjectNode notification = mapper.createObjectNode().put("received_at", Instant.now().toString())
                .put("webhook_id", id).put("verified", refusal == null).put("error", refusal);
        notification.set("notification", parsed(content));
        synchronized (notifications) {
            received++;
            notifications.addFirst(notification);
            while (notifications.size() > keep) {
                notifications.removeLast();
            }
        }
        return refusal == null ? ResponseEntity.ok(Map.of("received", id))
                : ResponseEntity.status(401).body(ErrorBody.of(401, refusal));
    }

    @GetMapping
    public Map<String, Object> list() {
        Map<String, Object> list = new LinkedHashMap<>();
        synchronized (notifications) {
            list.put("received", received);
            list.put("notifications", List.copyOf(notifications));
        }
        return list;
    }

    /** Why the notification is not genuine, or null. */
    private String refusal(String id, String timestamp, String signatures, byte[] body) {
        if (key == null) {
            return "no router.targets entry is named '" + target + "' (demo.receiver.target): no secret to verify with";
        }
        if (id == null || timestamp == null || signatures == null) {
            return "a Standard Webhooks notification carries webhook-id, webhook-timestamp and webhook-signature";
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return "webhook-timestamp is not a time in seconds";
        }
        if (Duration.between(Instant.ofEpochSecond(seconds), Instant.now()).abs().compareTo(TOLERANCE) > 0) {
            return "webhook-timestamp is more than " + TOLERANCE.toMinutes() + " minutes from now";
        }
        byte[] expected = StandardWebhooks.signature(key, id, seconds, body).getBytes(StandardCharsets.UTF_8);
        for (String signature : signatures.trim().split("\\s+")) {
            if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))) {
                return null;
            }
        }
        return "webhook-signature does not match the body signed with the secret of target '" + target + "'";
    }

    private JsonNode parsed(byte[] body) {
        if (body.length == 0) {
            return mapper.getNodeFactory().nullNode();
        }
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }
}
