package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Generated input: every seed payload, mutated at random (a value replaced by a long (either side of each limit),
 * empty, odd or differently typed one, a field removed, an undocumented field added), is answered with a JSON 2xx or 4xx, never a
 * 5xx, and whatever was accepted settles: nothing is stuck. The seed is fixed, so a failure can be replayed.
 */
class GeneratedWebhooksTest extends RouterHttpTest {
    private static final long SEED = 20261129L;
    private static final int MUTATIONS = 400;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<Integer> ANSWERS = Set.of(200, 202, 400, 413, 422);
    private static final Set<String> SETTLED = Set.of("succeeded", "partial", "failed", "ignored");
    /** Either side of the limits the router checks and of the columns that store text. */
    private static final int[] LENGTHS = {33, 64, 65, 128, 129, 256, 257, 1024, 1025, 2049, 4001, 20_000, 60_000};

    @Test
    void mutatedSeedPayloadsGetAJson2xxOr4xxAndNothingIsStuck() throws IOException {
        List<JsonNode> seeds = seeds();
        Random random = new Random(SEED);
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < MUTATIONS; i++) {
            ObjectNode event = (ObjectNode) seeds.get(random.nextInt(seeds.size())).deepCopy();
            String mutation = mutate(event, random);
            event.put("test_delivery", UUID.randomUUID().toString());

            HttpResponse<String> response = post("/webhooks/contentstack", event.toString(), "application/json");

            String context = "mutation " + i + " (" + mutation + ")";
            assertThat(response.statusCode()).as(context + ": " + response.body()).isIn(ANSWERS);
            JsonNode body = read(response.body());
            if (response.statusCode() >= 400) {
                assertThat(body.path("error").isTextual()).as(context).isTrue();
                assertThat(body.path("status").asInt()).as(context).isEqualTo(response.statusCode());
            } else {
                accepted.add(body.path("execution_uid").asText());
            }
        }
        assertThat(accepted).as("some mutations are harmless and must be taken").hasSizeGreaterThan(MUTATIONS / 10);
        for (String uid : accepted) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> execution(uid).path("status").asText(), SETTLED::contains);
        }
    }

    private static List<JsonNode> seeds() throws IOException {
        List<JsonNode> seeds = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("src/test/resources/webhooks")), Files.list(Path.of("examples")))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                seeds.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()));
            }
        }
        return seeds;
    }

    /** Changes one thing in the event; says what, for the failure message. */
    private static String mutate(ObjectNode event, Random random) {
        List<Map.Entry<ObjectNode, String>> fields = new ArrayList<>();
        collect(event, fields);
        Map.Entry<ObjectNode, String> target = fields.get(random.nextInt(fields.size()));
        ObjectNode parent = target.getKey();
        String field = target.getValue();
        switch (random.nextInt(9)) {
            case 0 -> parent.put(field, "x".repeat(LENGTHS[random.nextInt(LENGTHS.length)]));
            case 1 -> parent.put(field, "");
            case 2 -> parent.put(field, "a|b*c\u0000\u202e\uD83D\uDE00' or 1=1; --");
            case 3 -> parent.put(field, random.nextLong());
            case 4 -> parent.put(field, random.nextBoolean());
            case 5 -> parent.putNull(field);
            case 6 -> parent.set(field, nested(random.nextInt(40)));
            case 7 -> parent.remove(field);
            default -> parent.put(random.nextBoolean() ? "job_id" : "environment_name", "j".repeat(random.nextInt(300)));
        }
        return field;
    }

    private static JsonNode nested(int depth) {
        ArrayNode root = NODES.arrayNode();
        ArrayNode current = root;
        for (int i = 0; i < depth; i++) {
            current = current.addArray();
        }
        current.add("deep");
        return root;
    }

    private static void collect(JsonNode node, List<Map.Entry<ObjectNode, String>> fields) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                fields.add(Map.entry(object, name));
                collect(object.get(name), fields);
            }
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, fields));
        }
    }
}
