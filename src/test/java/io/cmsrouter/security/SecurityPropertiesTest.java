package io.cmsrouter.security;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityPropertiesTest {

    @Test
    void blankHmacSecretsAreNotSecrets() {
        SecurityProperties properties = new SecurityProperties();
        properties.setHmacSecrets(Arrays.asList("current", "", "  ", null, "previous"));
        assertThat(properties.getHmacSecrets()).containsExactly("current", "previous");
    }
}
