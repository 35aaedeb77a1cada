package io.cmsrouter.registration;

import io.cmsrouter.cluster.TaskLeases;
import com.fasterxml.jackson.databind.JsonNode;
import io.cmsrouter.common.ConflictException;
import io.cmsrouter.registration.WantedWebhook.Difference;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;

/**
 * The router's webhook in the stack: found by name in the CMA's list, created when missing, updated when it differs
 * from {@link WantedWebhook}; never a second one. The uid and the digest of the secrets last written are kept in
 * table contentstack_webhook.
 */
@Component("registeredWebhook")
public class RegisteredWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(RegisteredWebhook.class);
    private static final Duration SYNC_WAIT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final StackConnection connection;
    private final WantedWebhook wanted;
    private final RuleChannels ruleChannels;
    /** One sync at a time (the schedule's or an operator's) here, and in the cluster (Leases' task). */
    private final Semaphore syncing = new Semaphore(1);
    static final String TASK = "contentstack-webhook";
    private final TaskLeases tasks;

    public RegisteredWebhook(JdbcTemplate jdbc, StackConnection connection, WantedWebhook wanted,
                             RuleChannels ruleChannels, TaskLeases tasks) {
        this.jdbc = jdbc;
        this.connection = connection;
        this.wanted = wanted;
        this.ruleChannels = ruleChannels;
        this.tasks = tasks;
    }

    /** What a sync does: create, update or nothing, and why. */
    public record Plan(String action, String uid, List<Difference> differences) {
        public boolean writes() {
            return !"none".equals(action);
        }
    }

    /**
     * Waits for a sync under way (the schedule's or an operator's, here or on another instance) to end; refuses after
     * a while. Two instances syncing at once could each create the webhook.
     */
    public void lock() throws InterruptedException {
        long deadline = System.nanoTime() + SYNC_WAIT.toNanos();
        if (!syncing.tryAcquire(SYNC_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new ConflictException("a sync of the webhook has been under way for " + SYNC_WAIT.toSeconds()
                    + " s; try again later");
        }
        try {
            while (!tasks.tryHold(TASK)) {
                if (System.nanoTime() > deadline) {
                    throw new ConflictException("instance " + tasks.holderOf(TASK) + " has been syncing the webhook"
                            + " for " + SYNC_WAIT.toSeconds() + " s; try again later");
                }
                // another instance's sync takes a few CMA calls
                Thread.sleep(200);
            }
        } catch (RuntimeException | InterruptedException notHeld) {
            syncing.release();
            throw notHeld;
        }
    }

    public void unlock() {
        tasks.release(TASK);
        syncing.release();
    }

    /** Refuses webhook management when no management token is set. */
    public void checkManaged() {
        if (!connection.managed()) {
            throw new ConflictException("contentstack.management-token (CONTENTSTACK_MANAGEMENT_TOKEN) is not set:"
                    + " the router cannot read or write its webhook");
        }
    }

    /** Refuses a sync when the router has no URL to register. */
    public void checkRegistrable() {
        checkManaged();
        if (!connection.registers()) {
            throw new ConflictException("registration is off: set contentstack.webhook.url (CONTENTSTACK_WEBHOOK_URL)"
                    + " and leave contentstack.webhook.register unset or true");
        }
    }

    /**
     * The router's webhook in the answer to {@code GET /v3/webhooks}, or null. Should several carry its name (made
     * by hand), the one it registered is kept, else the oldest.
     */
    public JsonNode pick(@Body JsonNode list) {
        List<JsonNode> named = new ArrayList<>();
        list.path("webhooks").forEach(w -> {
            if (connection.name().equals(w.path("name").asText())) {
                named.add(w);
            }
        });
        if (named.size() > 1) {
            LOG.warn("{} webhooks in the stack are named '{}'; the router manages one of them", named.size(),
                    connection.name());
        }
        String registered = stored("uid");
        return named.stream()
                .min(Comparator.<JsonNode, Boolean>comparing(w -> !w.path("uid").asText().equals(registered))
                        .thenComparing(w -> w.path("created_at").asText()))
                .orElse(null);
    }

    /** {@code GET /v3/webhooks/{uid}}: the list leaves fields out (branches, unhealthy) that the webhook has. */
    public String path(@ExchangeProperty("webhook") JsonNode webhook) {
        return "/v3/webhooks/" + webhook.path("uid").asText();
    }

    /** The webhook in an answer of the webhook API ({@code {"webhook": {...}}}). */
    public JsonNode fromAnswer(@Body JsonNode answer) {
        return answer.path("webhook");
    }

    public Plan plan(@ExchangeProperty("webhook") JsonNode existing) {
        if (existing == null) {
            return new Plan("create", null, List.of());
        }
        List<Difference> differences = wanted.differences(existing, secretsInStack(existing));
        return new Plan(differences.isEmpty() ? "none" : "update", existing.path("uid").asText(), differences);
    }

    private boolean secretsInStack(JsonNode existing) {
        return existing.path("uid").asText().equals(stored("uid")) && wanted.sameSecrets(stored("secrets_digest"));
    }

    /** Keeps the uid and the secrets just written, after Contentstack answered a create or update. */
    public JsonNode remember(@Body JsonNode answer, @ExchangeProperty("webhookPlan") Plan plan) {
        JsonNode webhook = fromAnswer(answer);
        String uid = webhook.path("uid").asText();
        if (uid.isEmpty()) {
            throw new IllegalStateException("Contentstack's answer to the webhook " + plan.action() + " has no uid");
        }
        Timestamp now = Timestamp.from(Instant.now());
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String digest = wanted.secretsDigest(HexFormat.of().formatHex(salt));
        if (jdbc.update("update contentstack_webhook set uid = ?, secrets_digest = ?, synced_at = ? where name = ?",
                uid, digest, now, connection.name()) == 0) {
            jdbc.update("insert into contentstack_webhook (name, uid, secrets_digest, synced_at) values (?, ?, ?, ?)",
                    connection.name(), uid, digest, now);
        }
        List<String> fields = plan.differences().stream().map(Difference::field).toList();
        LOG.info("Contentstack webhook '{}' {}d ({}): {}", connection.name(), plan.action(), uid, fields);
        if (fields.contains("unhealthy")) {
            LOG.warn("Contentstack had marked webhook '{}' unhealthy and stopped sending it; it is enabled again."
                    + " Events from while it was stopped are in no executions log, so the router cannot recover"
                    + " them: publish again what changed then", connection.name());
        }
        return webhook;
    }

    /** GET /admin/contentstack/webhook and the sync's answer: Contentstack's webhook, masked, and what differs. */
    public Map<String, Object> view(@ExchangeProperty("webhook") JsonNode webhook,
                                    @ExchangeProperty("webhookPlan") Plan plan,
                                    @ExchangeProperty("webhookAction") String action) {
        Map<String, Object> view = new LinkedHashMap<>();
        if (action != null) {
            view.put("action", switch (action) {
                case "create" -> "created";
                case "update" -> "updated";
                default -> "unchanged";
            });
        }
        view.put("name", connection.name());
        view.put("registration", connection.registers() ? "on" : "off");
        view.put("found", webhook != null);
        view.put("uid", webhook == null ? null : webhook.path("uid").asText());
        view.put("in_sync", plan != null && !plan.writes());
        view.put("differences", plan == null ? List.of() : plan.differences());
        view.put("webhook", WantedWebhook.mask(webhook));
        view.put("wanted", wanted.masked());
        RuleChannels.Subscription subscription = ruleChannels.subscription();
        view.put("channels_from", subscription.derivedFrom());
        view.put("unresolved_rules", subscription.unresolved());
        List<Timestamp> synced = jdbc.queryForList("select synced_at from contentstack_webhook where name = ?",
                Timestamp.class, connection.name());
        view.put("synced_at", synced.isEmpty() ? null : synced.get(0).toInstant().toString());
        return view;
    }

    private String stored(String column) {
        List<String> values = jdbc.queryForList("select " + column + " from contentstack_webhook where name = ?",
                String.class, connection.name());
        return values.isEmpty() ? null : values.get(0);
    }
}
