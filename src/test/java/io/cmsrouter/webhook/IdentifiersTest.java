package io.cmsrouter.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the router keys by is checked at the door, and a refusal names the field. */
class IdentifiersTest {
    private final ObjectMapper json = new ObjectMapper();
    private final Identifiers identifiers = new Identifiers();

    private ObjectNode entryPublish() throws Exception {
        return (ObjectNode) json.readTree(Path.of("examples/entry-publish.json").toFile());
    }

    @Test
    void everyFixtureAndExamplePasses() throws Exception {
        List<Path> payloads;
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("src/test/resources/webhooks")), Files.list(Path.of("examples")))) {
            payloads = files.filter(p -> p.toString().endsWith(".json")).toList();
        }
        for (Path payload : payloads) {
            JsonNode event = json.readTree(payload.toFile());
            assertThatCode(() -> identifiers.check(event)).as(payload.toString()).doesNotThrowAnyException();
        }
    }

    @Test
    void aLongUidIsRefusedByItsPath() throws Exception {
        ObjectNode event = entryPublish();
        ((ObjectNode) event.path("data").path("entry")).put("uid", "b".repeat(40_000));

        assertThatThrownBy(() -> identifiers.check(event)).isInstanceOf(InvalidEventException.class)
                .hasMessage("field 'data.entry.uid' is longer than 128 characters");
    }

    @Test
    void aContentTypeSentAsDataItselfIsCheckedThere() throws Exception {
        ObjectNode event = json.createObjectNode().put("module", "content_type").put("event", "delete");
        event.putObject("data").put("uid", "promo|1");

        assertThatThrownBy(() -> identifiers.check(event)).hasMessageStartingWith("field 'data.uid' may hold only");
        // data.uid names nothing the router reads for other modules
        event.put("module", "entry");
        assertThatCode(() -> identifiers.check(event)).doesNotThrowAnyException();
    }

    @Test
    void aNonStringIdentifierIsRefused() throws Exception {
        ObjectNode event = entryPublish();
        ((ObjectNode) event.path("data").path("content_type")).put("uid", 42);

        assertThatThrownBy(() -> identifiers.check(event)).hasMessage("field 'data.content_type.uid' must be a string");
    }

    @Test
    void aSeparatorOrControlCharacterIsRefused() throws Exception {
        ObjectNode event = entryPublish();
        ((ObjectNode) event.path("data").path("environment")).put("name", "prod|uction");
        assertThatThrownBy(() -> identifiers.check(event)).hasMessageStartingWith("field 'data.environment.name' may hold only");

        ObjectNode other = entryPublish();
        other.put("event", "publish\u0000");
        assertThatThrownBy(() -> identifiers.check(other)).hasMessageStartingWith("field 'event' may hold only");
    }

    @Test
    void aReleaseItemsActionMustFitItsColumn() throws Exception {
        JsonNode release = json.readTree("{\"module\": \"release\", \"event\": \"deploy\", \"data\": {\"release\":"
                + " {\"uid\": \"blt1\", \"items\": [{\"uid\": \"blt2\", \"action\": \"" + "p".repeat(40) + "\"}]}}}");

        assertThatThrownBy(() -> identifiers.check(release))
                .hasMessage("field 'data.release.items[0].action' is longer than 32 characters");
    }

    @Test
    void aJobIdIsCheckedWhereverItSits() throws Exception {
        JsonNode job = json.readTree("{\"module\": \"jobs\", \"event\": \"publish.completed\", \"data\": {\"x\": [{\"job_id\": \""
                + "j".repeat(200) + "\"}]}}");

        assertThatThrownBy(() -> identifiers.check(job)).hasMessage("field 'data.x[0].job_id' is longer than 128 characters");
    }

    @Test
    void theEnvelopeIsRequiredAndDataMustBeAnObject() throws Exception {
        assertThatThrownBy(() -> identifiers.check(json.readTree("{\"event\": \"publish\"}")))
                .hasMessage("field 'module' is missing");
        assertThatThrownBy(() -> identifiers.check(json.readTree("{\"module\": \"entry\", \"event\": [\"x\"]}")))
                .hasMessage("field 'event' must be a non-empty string");
        assertThatThrownBy(() -> identifiers.check(json.readTree("{\"module\": \"entry\", \"event\": \"x\", \"data\": 1}")))
                .hasMessage("field 'data' must be an object");
    }

    @Test
    void unreadFieldsAndEmptyValuesAreLeftAlone() throws Exception {
        ObjectNode event = entryPublish();
        ((ObjectNode) event.path("data").path("entry")).put("title", "t".repeat(100_000)).put("locale", "");
        event.putObject("anything").put("uid", 1);

        assertThatCode(() -> identifiers.check(event)).doesNotThrowAnyException();
    }
}
