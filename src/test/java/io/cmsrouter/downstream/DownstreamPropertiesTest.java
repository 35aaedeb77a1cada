package io.cmsrouter.downstream;

import io.cmsrouter.downstream.DownstreamProperties.AuthType;
import io.cmsrouter.downstream.DownstreamProperties.Target;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Targets as a deployment writes them, in environment variables, and the problems a misconfiguration reports. */
class DownstreamPropertiesTest {

    private static DownstreamProperties fromEnvironment(Map<String, ? extends Object> env) {
        Map<String, Object> variables = Map.copyOf(env);
        SystemEnvironmentPropertySource source = new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables);
        return new Binder(ConfigurationPropertySources.from(source))
                .bind("router", DownstreamProperties.class).orElseGet(DownstreamProperties::new);
    }

    @Test
    void aTargetCanBeDeclaredWithEnvironmentVariables() {
        DownstreamProperties properties = fromEnvironment(Map.ofEntries(
                Map.entry("ROUTER_TARGETS_0_NAME", "cdn-purge"),
                Map.entry("ROUTER_TARGETS_0_URL", "https://purge.example.com/hook"),
                Map.entry("ROUTER_TARGETS_0_CHANNELS_0", "assets.*"),
                Map.entry("ROUTER_TARGETS_0_CHANNELS_1", "jobs.*"),
                Map.entry("ROUTER_TARGETS_0_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                Map.entry("ROUTER_TARGETS_0_BATCHSIZE", "50"),
                Map.entry("ROUTER_TARGETS_0_RATE", "2.5"),
                Map.entry("ROUTER_TARGETS_0_AUTH_TYPE", "oauth2"),
                Map.entry("ROUTER_TARGETS_0_AUTH_ACCESSTOKENURL", "https://auth.example.com/token"),
                Map.entry("ROUTER_TARGETS_0_AUTH_CLIENTID", "router"),
                Map.entry("ROUTER_TARGETS_0_AUTH_CLIENTSECRET", "client-secret")));

        assertThat(properties.getTargets()).hasSize(1);
        Target target = properties.getTargets().get(0);
        assertThat(target.getName()).isEqualTo("cdn-purge");
        assertThat(target.getUrl()).isEqualTo("https://purge.example.com/hook");
        assertThat(target.getChannels()).containsExactly("assets.*", "jobs.*");
        assertThat(target.isEnabled()).isTrue();
        assertThat(target.getBatchSize()).isEqualTo(50);
        assertThat(target.getRate()).isEqualTo(2.5);
        assertThat(target.getAuth().getType()).isEqualTo(AuthType.OAUTH2);
        assertThat(target.getAuth().getAccessTokenUrl()).isEqualTo("https://auth.example.com/token");
        assertThat(target.getAuth().getClientId()).isEqualTo("router");
        assertThat(target.getAuth().getClientSecret()).isEqualTo("client-secret");
        assertThat(target.signingKey()).hasSize(24);
        assertThat(properties.problems()).isEmpty();
    }

    @Test
    void everyMisconfigurationIsReportedWithItsKey() {
        DownstreamProperties properties = fromEnvironment(Map.ofEntries(
                Map.entry("ROUTER_TARGETS_0_NAME", "bad name"),
                Map.entry("ROUTER_TARGETS_0_URL", "ftp://example.com"),
                Map.entry("ROUTER_TARGETS_0_SECRET", "not-a-secret"),
                Map.entry("ROUTER_TARGETS_0_BATCHSIZE", "0"),
                Map.entry("ROUTER_TARGETS_0_AUTH_TYPE", "bearer"),
                Map.entry("ROUTER_TARGETS_1_NAME", "twin"),
                Map.entry("ROUTER_TARGETS_1_URL", "https://a.example.com"),
                Map.entry("ROUTER_TARGETS_1_CHANNELS_0", "*"),
                Map.entry("ROUTER_TARGETS_1_SECRET", "whsec_c2hvcnQ="),
                Map.entry("ROUTER_TARGETS_1_AUTH_TYPE", "oauth2"),
                Map.entry("ROUTER_TARGETS_2_NAME", "TWIN"),
                Map.entry("ROUTER_TARGETS_2_URL", "https://b.example.com"),
                Map.entry("ROUTER_TARGETS_2_CHANNELS_0", "*"),
                Map.entry("ROUTER_TARGETS_2_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                Map.entry("ROUTER_TARGETS_2_RATE", "-1"),
                Map.entry("ROUTER_TARGETS_2_AUTH_TYPE", "basic")));

        assertThat(properties.problems()).containsExactly(
                "router.targets[0] (bad name).name must be 1-64 letters, digits, '-' or '_'",
                "router.targets[0] (bad name).url must be an absolute http or https URL",
                "router.targets[0] (bad name).channels must name at least one channel pattern, e.g. 'content_types.*.entries.*'",
                "router.targets[0] (bad name).batch-size must be at least 1",
                "router.targets[0] (bad name).secret must be whsec_ followed by a base64 key of 24 to 64 bytes"
                        + " (e.g. whsec_$(head -c 32 /dev/urandom | base64))",
                "router.targets[0] (bad name).auth.token is required for this auth type",
                "router.targets[1] (twin).secret must be whsec_ followed by a base64 key of 24 to 64 bytes"
                        + " (e.g. whsec_$(head -c 32 /dev/urandom | base64))",
                "router.targets[1] (twin).auth.access-token-url must be an absolute http or https URL",
                "router.targets[1] (twin).auth.client-id is required for this auth type",
                "router.targets[1] (twin).auth.client-secret is required for this auth type",
                "router.targets[2] (TWIN).name is used by another target",
                "router.targets[2] (TWIN).rate must be 0 (no ceiling) or more requests per second",
                "router.targets[2] (TWIN).auth.user is required for this auth type");
    }

    @Test
    void rateCeilingsBecomeThrottlePeriods() {
        assertThat(TargetRoutes.ceiling(20)).containsExactly(20, 1000);
        assertThat(TargetRoutes.ceiling(0.5)).containsExactly(1, 2000);
        assertThat(TargetRoutes.ceiling(2.5)).containsExactly(2, 800);
        assertThat(TargetRoutes.ceiling(1.5)).containsExactly(1, 667);
    }
}
