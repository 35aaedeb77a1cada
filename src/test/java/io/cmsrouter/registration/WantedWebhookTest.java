package io.cmsrouter.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.registration.WantedWebhook.Difference;
import io.cmsrouter.security.SecurityProperties;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook the router wants, and how a webhook as Contentstack answers it differs. */
class WantedWebhookTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final SecurityProperties security = new SecurityProperties();
    private final WebhookProperties properties = new WebhookProperties();
    private final WantedWebhook wanted;

    WantedWebhookTest() {
        properties.setUrl("https://router.example.com/webhooks/contentstack");
        properties.setChannels(List.of("content_types.entries.publish", "assets.publish"));
        security.getBasic().setUser("contentstack");
        security.getBasic().setPassword("s3cret");
        // explicit channels: the routes are not read
        wanted = new WantedWebhook(properties, security, new RuleChannels(null, properties), "main",
                "cs_management_token", mapper);
    }

    @Test
    void theWebhookAsContentstackAnswersItDiffersInNothing() throws Exception {
        JsonNode stored = stored();

        assertThat(wanted.differences(stored, true)).isEmpty();
    }

    @Test
    void channelsAreComparedAsSetsAndDriftIsNamed() throws Exception {
        ObjectNode stored = stored();
        stored.putArray("channels").add("assets.publish").add("content_types.entries.publish");
        assertThat(wanted.differences(stored, true)).isEmpty();

        stored.putArray("channels").add("assets.create");
        stored.put("disabled", true);
        ((ObjectNode) stored.path("destinations").path(0)).put("target_url", "https://old.example.com/hook");

        assertThat(wanted.differences(stored, true)).extracting(Difference::field)
                .containsExactly("destinations[0].target_url", "channels", "disabled");
    }

    @Test
    void secretsNotKnownToBeTheRoutersAreADifference() throws Exception {
        assertThat(wanted.differences(stored(), false)).extracting(Difference::field)
                .containsExactly("destinations[0] secrets");
    }

    @Test
    void theDigestIsSaltedAndFollowsEverySecret() {
        String digest = wanted.secretsDigest("a1b2");
        assertThat(digest).startsWith("a1b2:").doesNotContain("s3cret");
        assertThat(wanted.secretsDigest("c3d4")).isNotEqualTo(digest);
        assertThat(wanted.sameSecrets(digest)).isTrue();

        security.getBasic().setPassword("rotated");
        assertThat(wanted.sameSecrets(digest)).isFalse();
        String rotated = wanted.secretsDigest("a1b2");
        security.getHeaders().put("X-Key", "v");
        assertThat(wanted.sameSecrets(rotated)).isFalse();
        assertThat(wanted.sameSecrets(null)).isFalse();
    }

    @Test
    void anUnhealthyWebhookIsADifference() throws Exception {
        ObjectNode stored = stored();
        stored.putObject("unhealthy").put("state", true);

        assertThat(wanted.differences(stored, true)).extracting(Difference::field).containsExactly("unhealthy");
    }

    @Test
    void maskingHidesEverySecretContentstackMightReturn() throws Exception {
        JsonNode masked = WantedWebhook.mask(mapper.readTree("{\"destinations\": [{\"http_basic_password\": \"p\","
                + " \"bearer_token\": \"t\", \"client_secret\": \"c\", \"custom_header\": [{\"header_name\": \"X\","
                + " \"value\": \"v\"}, {\"header_name\": \"\", \"value\": \"\"}]}]}"));

        assertThat(masked.toString()).doesNotContain("\"p\"", "\"t\"", "\"c\"", "\"v\"");
        assertThat(masked.path("destinations").path(0).path("custom_header").path(1).path("value").asText()).isEmpty();
    }

    /** What the router creates, as Contentstack lists it afterwards: secrets masked, its own fields added. */
    private ObjectNode stored() throws Exception {
        ObjectNode webhook = (ObjectNode) mapper.readTree(wanted.requestBody(null)).path("webhook");
        ((ObjectNode) webhook.path("destinations").path(0)).put("http_basic_password", "********");
        webhook.put("uid", "cs1").put("created_at", "2024-07-11T06:09:00.827Z").putArray("notifiers");
        ((ObjectNode) webhook.path("destinations").path(0)).putArray("custom_header").addObject()
                .put("header_name", "").put("value", "");
        return webhook;
    }
}
