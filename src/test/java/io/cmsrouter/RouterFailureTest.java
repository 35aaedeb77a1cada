package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/** A failure in the router itself (a broken rule, say) fails the execution with its reason; it is never lost. */
@DirtiesContext
class RouterFailureTest extends RouterHttpTest {

    @Autowired
    CamelContext camel;

    @Test
    void failingRuleMarksTheExecutionFailedWithItsReason() throws Exception {
        AdviceWith.adviceWith(camel, "channel-router", route -> route.weaveById("ignore-event").replace()
                .throwException(new IllegalStateException("rule step broke")));

        JsonNode execution = deliverAndSettle(fixture("entry-update.json"));

        assertThat(execution.path("status").asText()).isEqualTo("failed");
        assertThat(execution.path("error").asText()).isEqualTo("IllegalStateException: rule step broke");
        // the router keeps serving
        assertThat(deliverAndSettle(fixture("asset-publish.json")).path("status").asText()).isEqualTo("succeeded");
    }
}
