package io.cmsrouter.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterShareTest {

    @Test
    void eachLiveInstanceTakesItsShareRoundedDownSoTheClusterStaysUnderTheCeiling() {
        assertThat(ClusterShare.share(80, 1)).isEqualTo(80);
        assertThat(ClusterShare.share(80, 2)).isEqualTo(40);
        assertThat(ClusterShare.share(80, 3)).isEqualTo(26);
        assertThat(3 * ClusterShare.share(10, 3)).isLessThanOrEqualTo(10);
    }

    @Test
    void atLeastOneRequestPerPeriodSoNoInstanceStops() {
        assertThat(ClusterShare.share(2, 5)).isEqualTo(1);
        assertThat(ClusterShare.share(80, 0)).isEqualTo(80);
    }
}
