import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated Contentstack stack for bench/run.sh: the CMA's bulk job, job items (paged) and environments, and the
 * CDA's single entry and asset fetches, in the shapes shared/reference/contentstack-api.md gives. Every request
 * waits --latency-ms before it is answered. Each API (CDA, CMA) has a token bucket (--cda-rate, --cma-rate requests a
 * second, burst = one second's worth; 0 = unlimited) and answers 429 with Retry-After and X-RateLimit-* headers when
 * it is empty. GET /__stats gives the counters, POST /__reset clears them.
 *
 * Jobs need no set-up: a job id of the form {@code <anything>-n<items>} has that many items, every fifth an asset,
 * the rest "article" entries, all published to "production" successfully.
 *
 * Run: java bench/tools/Simulator.java --port 39090 --latency-ms 20 --cda-rate 100 --cma-rate 10
 * Only the JDK is needed. Binds 127.0.0.1 only.
 */
public final class Simulator {
    static final String ENV_UID = "blt0env0production";
    static final String ENV_NAME = "production";

    final long latencyMs;
    final Bucket cda;
    final Bucket cma;
    final String apiKey;
    final String deliveryToken;
    final String managementToken;
    final Counters cdaCounters = new Counters();
    final Counters cmaCounters = new Counters();
    final AtomicLong otherRequests = new AtomicLong();

    Simulator(long latencyMs, double cdaRate, double cmaRate, String apiKey, String deliveryToken, String managementToken) {
        this.latencyMs = latencyMs;
        this.cda = new Bucket(cdaRate);
        this.cma = new Bucket(cmaRate);
        this.apiKey = apiKey;
        this.deliveryToken = deliveryToken;
        this.managementToken = managementToken;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int port = Integer.parseInt(a.getOrDefault("port", "39090"));
        Simulator sim = new Simulator(Long.parseLong(a.getOrDefault("latency-ms", "20")),
                Double.parseDouble(a.getOrDefault("cda-rate", "100")), Double.parseDouble(a.getOrDefault("cma-rate", "10")),
                a.getOrDefault("api-key", "bench_api_key"), a.getOrDefault("delivery-token", "bench_delivery_token"),
                a.getOrDefault("management-token", "bench_management_token"));
        // the JDK server writes a response's head and body apart; with Nagle on, each keep-alive response then waits
        // for the client's delayed ACK (~40 ms), a stall no real CMS has
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        // a thread per request in flight: latency is a sleep, as a remote API's would be
        ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(a.getOrDefault("threads", "256")));
        server.setExecutor(pool);
        server.createContext("/", sim::handle);
        server.start();
        System.out.println("simulator listening on 127.0.0.1:" + port + " latency=" + sim.latencyMs + "ms cda-rate="
                + sim.cda.rate + " cma-rate=" + sim.cma.rate);
    }

    void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            if (path.equals("/__stats")) {
                send(ex, 200, stats(), Map.of());
                return;
            }
            if (path.equals("/__reset")) {
                cdaCounters.reset();
                cmaCounters.reset();
                otherRequests.set(0);
                send(ex, 200, "{}", Map.of());
                return;
            }
            boolean isCda = path.startsWith("/v3/content_types/") || path.startsWith("/v3/assets/");
            boolean isCma = path.startsWith("/v3/bulk/jobs/") || path.equals("/v3/environments");
            if (!isCda && !isCma) {
                otherRequests.incrementAndGet();
                send(ex, 404, "{\"error_message\":\"not found\",\"error_code\":404}", Map.of());
                return;
            }
            Counters counters = isCda ? cdaCounters : cmaCounters;
            Bucket bucket = isCda ? cda : cma;
            counters.requests.incrementAndGet();
            int inFlight = counters.inFlight.incrementAndGet();
            counters.maxInFlight.accumulateAndGet(inFlight, Math::max);
            counters.first.compareAndSet(0, System.nanoTime());
            try {
                double wait = bucket.take();
                sleep(latencyMs);
                if (wait > 0) {
                    counters.limited.incrementAndGet();
                    long retryAfter = Math.max(1, (long) Math.ceil(wait));
                    send(ex, 429, "{\"error_message\":\"Too many requests\",\"error_code\":429}",
                            Map.of("Retry-After", String.valueOf(retryAfter), "X-RateLimit-Limit",
                                    String.valueOf((long) bucket.rate), "X-RateLimit-Remaining", "0"));
                    return;
                }
                String body = isCda ? cda(ex, path, query) : cma(ex, path, query);
                if (body == null) {
                    return;
                }
                counters.ok.incrementAndGet();
                send(ex, 200, body, Map.of());
            } finally {
                counters.inFlight.decrementAndGet();
                counters.last.set(System.nanoTime());
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private String cda(HttpExchange ex, String path, Map<String, String> q) throws IOException {
        if (!apiKey.equals(ex.getRequestHeaders().getFirst("api_key"))) {
            return refuse(ex, cdaCounters, 412, "{\"error_message\":\"Api key is not valid.\",\"error_code\":412}");
        }
        if (!deliveryToken.equals(ex.getRequestHeaders().getFirst("access_token"))) {
            return refuse(ex, cdaCounters, 401, "{\"error_message\":\"Bad credentials.\",\"error_code\":105}");
        }
        String environment = q.getOrDefault("environment", "");
        String[] s = path.split("/");
        if (path.startsWith("/v3/assets/") && s.length == 4) {
            String uid = s[3];
            return "{\"asset\":{\"uid\":\"" + uid + "\",\"title\":\"" + uid + ".png\",\"filename\":\"" + uid
                    + ".png\",\"url\":\"https://images.example.com/v3/assets/bench/" + uid + "/" + uid
                    + ".png\",\"content_type\":\"image/png\",\"file_size\":\"48213\",\"tags\":[],\"_version\":1,"
                    + "\"created_at\":\"2026-03-25T09:00:00.000Z\",\"updated_at\":\"2026-03-25T09:00:00.000Z\","
                    + "\"publish_details\":{\"environment\":\"" + ENV_UID + "\",\"locale\":\"en-us\",\"time\":"
                    + "\"2026-03-25T10:00:00.000Z\",\"user\":\"blt0user0bench0001\"},\"_env\":\"" + environment + "\"}}";
        }
        if (s.length == 6 && s[4].equals("entries")) {
            String ct = s[3];
            String uid = s[5];
            String locale = q.getOrDefault("locale", "en-us");
            return "{\"entry\":{\"uid\":\"" + uid + "\",\"title\":\"Entry " + uid + "\",\"url\":\"/articles/" + uid
                    + "\",\"locale\":\"" + locale + "\",\"_version\":1,\"_content_type_uid\":\"" + ct + "\","
                    + "\"summary\":\"" + LOREM.substring(0, 200) + "\",\"body\":\"" + LOREM + "\","
                    + "\"tags\":[\"bench\",\"news\"],\"seo\":{\"meta_title\":\"" + uid + "\",\"meta_description\":\""
                    + LOREM.substring(0, 120) + "\"},\"created_at\":\"2026-03-25T09:00:00.000Z\",\"updated_at\":"
                    + "\"2026-03-25T09:00:00.000Z\",\"created_by\":\"blt0user0bench0001\",\"updated_by\":"
                    + "\"blt0user0bench0001\",\"ACL\":{},\"publish_details\":{\"environment\":\"" + ENV_UID
                    + "\",\"locale\":\"" + locale + "\",\"time\":\"2026-03-25T10:00:00.000Z\",\"user\":"
                    + "\"blt0user0bench0001\"}}}";
        }
        return refuse(ex, cdaCounters, 422, "{\"error_message\":\"The requested object doesn't exist.\",\"error_code\":141}");
    }

    private String cma(HttpExchange ex, String path, Map<String, String> q) throws IOException {
        if (!apiKey.equals(ex.getRequestHeaders().getFirst("api_key"))
                || !managementToken.equals(ex.getRequestHeaders().getFirst("authorization"))) {
            return refuse(ex, cmaCounters, 401, "{\"error_message\":\"Bad credentials.\",\"error_code\":105}");
        }
        if (path.equals("/v3/environments")) {
            return "{\"environments\":[{\"uid\":\"" + ENV_UID + "\",\"name\":\"" + ENV_NAME + "\",\"urls\":[],"
                    + "\"_version\":1},{\"uid\":\"blt0env0staging\",\"name\":\"staging\",\"urls\":[],\"_version\":1}]}";
        }
        if (!"3.2".equals(ex.getRequestHeaders().getFirst("api_version"))) {
            return refuse(ex, cmaCounters, 400, "{\"error_message\":\"api_version 3.2 is required\",\"error_code\":400}");
        }
        String[] s = path.split("/");
        String jobId = s.length > 4 ? s[4] : "";
        int items = itemsOf(jobId);
        if (items < 0) {
            return refuse(ex, cmaCounters, 404, "{\"error_message\":\"Job not found\",\"error_code\":404}");
        }
        if (s.length == 5) {
            return "{\"uid\":\"" + jobId + "\",\"action\":\"publish\",\"status\":\"complete\",\"api_key\":\"" + apiKey
                    + "\",\"created_at\":\"2026-03-25T09:59:00.000Z\",\"updated_at\":\"2026-03-25T10:00:00.000Z\","
                    + "\"body\":{\"branch\":\"main\",\"locales\":[\"en-us\"],\"environments\":[\"" + ENV_UID + "\"]},"
                    + "\"summary\":{\"state\":\"completed\",\"success\":" + items + ",\"unsuccess\":0,\"skip\":0,"
                    + "\"total_processed\":" + items + "}}";
        }
        if (s.length == 6 && s[5].equals("items")) {
            int skip = Integer.parseInt(q.getOrDefault("skip", "0"));
            int limit = Math.min(100, Integer.parseInt(q.getOrDefault("limit", "100")));
            StringBuilder b = new StringBuilder(limit * 400).append("{\"items\":[");
            for (int i = skip; i < Math.min(items, skip + limit); i++) {
                if (i > skip) {
                    b.append(',');
                }
                boolean asset = i % 5 == 0;
                String uid = (asset ? "bltasset" : "bltentry") + jobId.hashCode() + "x" + i;
                b.append("{\"uid\":\"").append(uid).append("\",\"type\":\"").append(asset ? "asset" : "entry")
                        .append("\",\"locale\":\"").append(asset ? "" : "en-us").append("\",\"publish_locale\":\"en-us\",")
                        .append("\"version\":1,\"title\":\"").append(uid).append('"');
                if (!asset) {
                    b.append(",\"content_type\":{\"uid\":\"article\"}");
                }
                b.append(",\"environment\":\"").append(ENV_UID).append("\",\"action\":\"publish\",")
                        .append("\"published_at\":\"2026-03-25T10:00:00.000Z\",\"user\":\"blt0user0bench0001\",")
                        .append("\"depth\":0,\"publish_details\":{\"status\":\"success\"}}");
            }
            b.append("],\"skip\":").append(skip).append(",\"limit\":").append(limit);
            if (skip == 0 && "true".equals(q.get("include_count"))) {
                b.append(",\"total_count\":").append(items);
            }
            return b.append('}').toString();
        }
        return refuse(ex, cmaCounters, 404, "{\"error_message\":\"not found\",\"error_code\":404}");
    }

    /** The cache key a job item ends up under in the router: what the bench checks with GET /cache. */
    static int itemsOf(String jobId) {
        int n = jobId.lastIndexOf("-n");
        if (n < 0) {
            return -1;
        }
        try {
            return Integer.parseInt(jobId.substring(n + 2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String refuse(HttpExchange ex, Counters c, int status, String body) throws IOException {
        c.errors.incrementAndGet();
        send(ex, status, body, Map.of());
        return null;
    }

    private String stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latency_ms", latencyMs);
        m.put("cda_rate", cda.rate);
        m.put("cma_rate", cma.rate);
        m.put("cda", cdaCounters.json());
        m.put("cma", cmaCounters.json());
        m.put("other", otherRequests.get());
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return b.append('}').toString();
    }

    private static void send(HttpExchange ex, int status, String body, Map<String, String> headers) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String p : raw.split("&")) {
                int eq = p.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final class Counters {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong limited = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicLong first = new AtomicLong();
        final AtomicLong last = new AtomicLong();

        void reset() {
            requests.set(0);
            ok.set(0);
            limited.set(0);
            errors.set(0);
            maxInFlight.set(inFlight.get());
            first.set(0);
            last.set(0);
        }

        String json() {
            double span = first.get() == 0 ? 0 : (last.get() - first.get()) / 1e9;
            return "{\"requests\":" + requests.get() + ",\"ok\":" + ok.get() + ",\"429\":" + limited.get()
                    + ",\"errors\":" + errors.get() + ",\"max_in_flight\":" + maxInFlight.get()
                    + ",\"span_s\":" + String.format(java.util.Locale.ROOT, "%.3f", span) + "}";
        }
    }

    /** Token bucket: {@code rate} tokens a second, at most {@code rate} banked (one second's burst). */
    static final class Bucket {
        final double rate;
        private double tokens;
        private long last = System.nanoTime();

        Bucket(double rate) {
            this.rate = rate;
            this.tokens = rate;
        }

        /** 0 when a token was taken; otherwise the seconds until one will be there. */
        synchronized double take() {
            if (rate <= 0) {
                return 0;
            }
            long now = System.nanoTime();
            tokens = Math.min(rate, tokens + (now - last) / 1e9 * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (1 - tokens) / rate;
        }
    }

    static final String LOREM = ("Contentstack is a headless CMS with an API-first approach. This benchmark entry carries"
            + " a body of realistic length so that cached items weigh what real ones do: a few paragraphs of rich text,"
            + " an SEO group, tags and the usual system fields. Lorem ipsum dolor sit amet, consectetur adipiscing elit,"
            + " sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud"
            + " exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in"
            + " reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur.");
}
