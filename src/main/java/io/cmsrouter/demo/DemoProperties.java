package io.cmsrouter.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Profile;

import java.time.Duration;

/**
 * {@code demo.*} (config/application-demo.yaml): the simulated stack's own credentials, catalogue size and latency,
 * and what the receiver keeps. The router is given the same credentials as its {@code contentstack.*}, so
 * changing one side shows what a misconfigured router meets.
 */
@Profile("demo")
@ConfigurationProperties("demo")
public record DemoProperties(Stack stack, Receiver receiver) {

    public record Stack(String apiKey, String managementToken, String deliveryToken,
                        @DefaultValue("40") int entries, @DefaultValue("4") int assets,
                        @DefaultValue("5ms") Duration minLatency, @DefaultValue("30ms") Duration maxLatency) {
    }

    /** {@code target}: the router.targets entry whose secret the receiver verifies with; {@code keep}: how many shown. */
    public record Receiver(@DefaultValue("demo-receiver") String target, @DefaultValue("50") int keep) {
    }
}
