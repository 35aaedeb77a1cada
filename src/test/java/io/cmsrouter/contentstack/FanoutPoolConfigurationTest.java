package io.cmsrouter.contentstack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A per-host connection pool smaller than the threads that share it is reported at start-up. */
class FanoutPoolConfigurationTest {

    @Test
    void enoughConnectionsForEveryThreadSaysNothing() {
        assertThat(FanoutPoolConfiguration.connectionShortfall(64, 8, 8)).isEmpty();
        assertThat(FanoutPoolConfiguration.connectionShortfall(40, 32, 8)).isEmpty();
    }

    @Test
    void tooFewConnectionsNameTheSettingsAndTheNeed() {
        assertThat(FanoutPoolConfiguration.connectionShortfall(20, 32, 8)).hasValueSatisfying(warning -> assertThat(warning)
                .contains("router.http.connections-per-host (20)", "(40)", "raise it to at least 40"));
    }
}
