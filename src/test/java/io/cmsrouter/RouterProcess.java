package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged router (-Drouter.jar, set by the failsafe plugin) as a separate process on a data dir that outlives
 * it, for tests about processes: killed with SIGKILL, stopped with SIGTERM, started again. Each start logs to
 * target/&lt;name&gt;-&lt;n&gt;.log.
 */
final class RouterProcess {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String name;
    private final Path dataDir;
    private Process process;
    private int port;
    private int starts;

    RouterProcess(String name, Path dataDir) {
        this.name = name;
        this.dataDir = dataDir;
    }

    /** Starts the jar with these settings (and environment) and waits until its routes answer. */
    void start(String cmsUrl, List<String> settings, Map<String, String> environment) throws Exception {
        port = freePort();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                System.getProperty("router.jar"),
                "--server.port=" + port,
                "--router.data-dir=" + dataDir.toAbsolutePath(),
                "--contentstack.cda-url=" + cmsUrl,
                "--contentstack.cma-url=" + cmsUrl,
                "--contentstack.api-key=" + RouterHttpTest.API_KEY,
                "--contentstack.management-token=" + RouterHttpTest.MANAGEMENT_TOKEN,
                "--contentstack.delivery-token=" + RouterHttpTest.DELIVERY_TOKEN,
                "--router.security.signature=off",
                "--router.admin-token=" + RouterHttpTest.ADMIN_TOKEN));
        if (settings.stream().noneMatch(s -> s.startsWith("--router.reconcile.enabled="))) {
            // the tests that do not simulate the webhook's executions log
            command.add("--router.reconcile.enabled=false");
        }
        command.addAll(settings);
        File log = Path.of("target", name + "-" + (++starts) + ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(environment);
        process = builder.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> status("/executions?limit=1") == 200);
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** SIGTERM; a graceful shutdown follows. */
    void stop() {
        process.destroy();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void destroy() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /** Posts a webhook; null when the router could not be reached or cut the connection. */
    HttpResponse<String> postWebhook(String body) {
        try {
            return http.send(HttpRequest.newBuilder(uri("/webhooks/contentstack")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException refusedOrCut) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    int status(String path) throws Exception {
        return http.send(RouterHttpTest.asOperator(HttpRequest.newBuilder(uri(path))).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    JsonNode getJson(String path) throws Exception {
        return read(http.send(RouterHttpTest.asOperator(HttpRequest.newBuilder(uri(path))).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(body, e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
