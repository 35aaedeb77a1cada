package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.TestPropertySource;
import org.wiremock.spring.ConfigureWireMock;
import org.wiremock.spring.EnableWireMock;
import org.wiremock.spring.InjectWireMock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard at /ui/ as an operator uses it, in headless Chromium driven by src/test/ui/dashboard.mjs
 * (playwright-core): a dead letter made through HTTP is retried with its Retry button and succeeds; a target a 410
 * disabled is enabled with its Enable button.
 */
@AutoConfigureObservability // the page reads /actuator/prometheus, which Spring Boot's tests leave off otherwise
@TestPropertySource(properties = {
        "router.targets[0].name=site",
        "router.targets[0].url=${site.url}/site",
        "router.targets[0].channels[0]=content_types.*",
        "router.targets[0].secret=" + DownstreamTargetsTest.SECRET
})
@EnableWireMock(@ConfigureWireMock(name = "site", baseUrlProperties = "site.url"))
class DashboardBrowserTest extends RouterHttpTest {
    private static final String CDA_ENTRIES = "/v3/content_types/article/entries/";

    @InjectWireMock("site")
    WireMockServer site;

    @BeforeEach
    void siteAccepts() {
        site.stubFor(WireMock.post(urlPathEqualTo("/site")).willReturn(aResponse().withStatus(204)));
    }

    @Test
    void pageIsServedAtUiWithAndWithoutTheSlash() {
        HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/ui/")).GET());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"app.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains("default-src 'self'; frame-ancestors 'none'");
        HttpResponse<String> bare = send(HttpRequest.newBuilder(uri("/ui")).GET());
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location")).hasValueSatisfying(to -> assertThat(to).endsWith("/ui/"));
    }

    @Test
    @ExtendWith(BrowserAvailable.class)
    void deadLetterRetriedFromTheDashboardSucceeds() throws Exception {
        StubMapping missing = cms.stubFor(WireMock.get(urlPathEqualTo(CDA_ENTRIES + "blt0dash0retry1"))
                .willReturn(aResponse().withStatus(404)));
        String uid = deliver(publish("blt0dash0retry1")).path("execution_uid").asText();
        JsonNode failed = settled(uid);
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("status_code").asInt()).isEqualTo(500);

        // the entry is published after all: the CDA now serves it
        cms.removeStub(missing);
        int exit = runInBrowser("retry", uid);

        assertThat(exit).as("dashboard.mjs exit code (its output is above)").isZero();
        JsonNode retried = execution(uid);
        assertThat(retried.path("status").asText()).isEqualTo("succeeded");
        assertThat(item(retried, "blt0dash0retry1").path("status").asText()).isEqualTo("succeeded");
        assertThat(cachedEntry("article", "blt0dash0retry1", "production", "en-us").statusCode()).isEqualTo(200);
    }

    @Test
    @ExtendWith(BrowserAvailable.class)
    void goneTargetEnabledFromTheDashboardGetsItsHeldNotification() throws Exception {
        StubMapping gone = site.stubFor(WireMock.post(urlPathEqualTo("/site")).atPriority(1)
                .willReturn(aResponse().withStatus(410)));
        String uid = deliver(publish("blt0dash0gone01")).path("execution_uid").asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> target("site"), t -> "gone".equals(t.path("state").asText()));

        site.removeStub(gone);
        int exit = runInBrowser("enable", "site");

        assertThat(exit).as("dashboard.mjs exit code (its output is above)").isZero();
        assertThat(target("site").path("state").asText()).isEqualTo("active");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> execution(uid).path("notifications").findValuesAsText("status"),
                        statuses -> statuses.equals(List.of("delivered")));
    }

    private String publish(String entryUid) {
        return fixture("entry-publish-concise.json").replace("blt0entry0concise1", entryUid);
    }

    private JsonNode target(String name) {
        for (JsonNode target : read(get("/targets").body()).path("targets")) {
            if (name.equals(target.path("name").asText())) {
                return target;
            }
        }
        throw new AssertionError("no target " + name);
    }

    /** Runs dashboard.mjs with these arguments against this router; its output goes to the test's log. */
    private int runInBrowser(String... arguments) throws InterruptedException {
        assertThat(BrowserAvailable.missing()).as("what the browser test needs (README \"Tests\")").isEmpty();
        List<String> command = new ArrayList<>(List.of(BrowserAvailable.node().orElseThrow().toString(),
                BrowserAvailable.SCRIPTS.resolve("dashboard.mjs").toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ROUTER_URL", "http://localhost:" + port);
        builder.environment().put("ROUTER_ADMIN_TOKEN", ADMIN_TOKEN);
        builder.environment().put("SCREENSHOT_DIR", "target/dashboard");
        Process browser;
        try {
            browser = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread output = new Thread(() -> copyToLog(browser), "dashboard.mjs output");
        output.setDaemon(true);
        output.start();
        if (!browser.waitFor(2, TimeUnit.MINUTES)) {
            // Chromium first: it outlives the node process that started it
            browser.descendants().forEach(ProcessHandle::destroyForcibly);
            browser.destroyForcibly();
            throw new AssertionError("dashboard.mjs did not end within 2 minutes");
        }
        output.join(TimeUnit.SECONDS.toMillis(10));
        return browser.exitValue();
    }

    private static void copyToLog(Process process) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(line -> System.out.println("[dashboard.mjs] " + line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
