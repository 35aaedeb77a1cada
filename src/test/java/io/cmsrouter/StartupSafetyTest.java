package io.cmsrouter;

import io.cmsrouter.common.InvalidSettingsException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service does not start with its management endpoints open unless that is said explicitly, nor with a
 * downstream target it could not serve.
 */
class StartupSafetyTest {

    /** Starts the router as an operator would, with command-line settings over config/application.yaml. */
    private ConfigurableApplicationContext start(String... settings) {
        String[] args = new String[settings.length + 2];
        args[0] = "--server.port=0";
        // a fresh data dir each time: one left by an older build would hold an older schema
        args[1] = "--router.data-dir=target/test-data/startup-safety-" + java.util.UUID.randomUUID();
        System.arraycopy(settings, 0, args, 2, settings.length);
        return new SpringApplicationBuilder(RouterApplication.class).run(args);
    }

    @Test
    void refusesToStartWithoutAnAdminToken() {
        assertThatThrownBy(() -> start("--router.admin-token=").close())
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("router.admin-token (ROUTER_ADMIN_TOKEN) is not set"));
    }

    @Test
    void refusesToStartWithAMisconfiguredDownstreamTarget() {
        assertThatThrownBy(() -> start("--router.admin-token=t", "--router.targets[0].name=cdn",
                "--router.targets[0].url=https://purge.example.com", "--router.targets[0].channels[0]=*").close())
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("router.targets[0] (cdn).secret must be whsec_"));
    }

    @Test
    void startsWithoutATokenWhenToldTheEndpointsMayBeOpen() {
        try (ConfigurableApplicationContext context = start("--router.admin-token=", "--router.admin-token-required=false",
                "--router.security.signature=off")) {
            assertThat(context.isRunning()).isTrue();
        }
    }
}
