package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure in the router itself (a broken rule, say) fails the execution with its reason; it is never lost. Leases
 * last longer than any wait here, so a run whose lease was not given back could not be run again in time.
 */
@DirtiesContext
@TestPropertySource(properties = "router.cluster.lease-duration=10m")
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

    @Test
    void aSettlementThatFailsIsRolledBackAndRunAgainOnTheSchedule() throws Exception {
        AtomicBoolean failedOnce = new AtomicBoolean();
        // after the lease was given back in the settlement's transaction: the rollback takes that back too
        AdviceWith.adviceWith(camel, "settle", route -> route.weaveById("give-lease-back").after().process(exchange -> {
            if (failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("the database went away mid-settlement");
            }
        }));

        String uid = deliver(fixture("asset-publish.json")).path("execution_uid").asText();
        JsonNode execution = settled(uid);

        assertThat(failedOnce).isTrue();
        // nothing of the failed settlement was kept, and its lease was given back: the scheduled run applied the
        // event again and settled it
        assertThat(execution.path("status").asText()).isEqualTo("succeeded");
        assertThat(execution.path("attempts").asInt()).isEqualTo(1);
        assertThat(cachedAsset("blt0asset00000011", "blank").statusCode()).isEqualTo(200);
    }
}
