package io.cmsrouter.content;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ContentChangesTest {

    @Test
    void keysGoOutInPayloadsUnderPostgresqlsLimitAndNoneIsCutOrLost() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            keys.add("entry|article|blt0entry" + i + "|production|en-us|ü");
        }

        List<String> payloads = ContentChanges.payloads(keys);

        assertThat(payloads).hasSizeGreaterThan(1);
        assertThat(payloads).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThan(8_000));
        assertThat(payloads.stream().flatMap(p -> List.of(p.split("\n")).stream()).toList()).isEqualTo(keys);
    }

    @Test
    void oneKeyIsOnePayload() {
        assertThat(ContentChanges.payloads(List.of("asset|x|production"))).containsExactly("asset|x|production");
        assertThat(ContentChanges.payloads(List.of())).isEmpty();
    }
}
