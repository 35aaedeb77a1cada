package io.cmsrouter.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceIdTest {

    @Test
    void byDefaultTheHostAndTheProcess() {
        assertThat(new InstanceId("").id()).endsWith("-" + ProcessHandle.current().pid());
    }

    @Test
    void aConfiguredNameIsKeptAndABadOneStopsTheStart() {
        assertThat(new InstanceId(" router-a ").id()).isEqualTo("router-a");
        assertThatThrownBy(() -> new InstanceId("router a")).hasMessageContaining("router.instance-id");
    }
}
