import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measuring side of bench/run.sh, one JDK-only file (compiled once by run.sh, or run as java Bench.java ...).
 *
 * <pre>
 * bodies  --kind full|concise --count N --secret S --prefix P --out FILE      signed webhook bodies, one a line
 * load    --target HOST:PORT --path /p --bodies FILE --rate R --duration S    open loop at a fixed rate: latency from
 *         [--workers W] --label L --tsv FILE --raw PREFIX                     the intended send time (no coordinated
 *                                                                            omission); --rate 0 --connections C: closed loop
 * lag     --router HOST:PORT --secret S --admin-token T --probes N ...        webhook POST to item readable at GET /cache
 * fanout  --router HOST:PORT --sim HOST:PORT --items N ...                    bulk job: wall time to all items cached
 * drain   --router HOST:PORT --admin-token T --max-s S --label L --tsv FILE   waits until no execution is unsettled
 * backlog --target HOST:PORT --bodies FILE --rate R --duration S ...          open loop (as load), the unsettled count
 *         --admin-token T --max-s S --result-tsv FILE                        when it stops, then the drain
 * jfr-hot --jfr FILE --out FILE                                               where the CPU went (jdk.ExecutionSample)
 * report  --raw DIR --out FILE                                                REPORT.md from the raw numbers
 * </pre>
 *
 * Every TSV row carries a {@code version} column: --version (before = the baseline jar, after = the current one; "-"
 * for the bare endpoint, the peer and runs that name none).
 */
public final class Bench {
    static final String API_KEY = "bench_api_key";
    /** The router version a run measured (--version before|after), written in every TSV row; "-" when none. */
    static String version = "-";

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: Bench bodies|load|lag|fanout|drain|backlog|jfr-hot|report --options");
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String key = args[i].substring(2);
                String value = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
                o.put(key, value);
            }
        }
        Opts opts = new Opts(o);
        version = opts.s("version", "-");
        switch (args[0]) {
            case "bodies" -> Bodies.write(opts);
            case "load" -> System.exit(Load.run(opts, null));
            case "lag" -> Lag.run(opts);
            case "fanout" -> Fanout.run(opts);
            case "jfr-hot" -> JfrHot.run(opts);
            case "report" -> Report.run(opts);
            case "wrk-row" -> WrkRow.run(opts);
            case "drain" -> Drain.run(opts);
            case "backlog" -> Backlog.run(opts);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    record Opts(Map<String, String> m) {
        String s(String k, String def) {
            return m.getOrDefault(k, def);
        }

        String s(String k) {
            String v = m.get(k);
            if (v == null) {
                throw new IllegalArgumentException("--" + k + " is required");
            }
            return v;
        }

        long l(String k, long def) {
            return m.containsKey(k) ? Long.parseLong(m.get(k)) : def;
        }

        double d(String k, double def) {
            return m.containsKey(k) ? Double.parseDouble(m.get(k)) : def;
        }
    }

    // ---------------------------------------------------------------------------------------------- webhook bodies

    static final class Bodies {
        static final String RICH_TEXT = ("<p>Contentstack is a headless CMS with an API-first approach. This entry is"
                + " shaped after a real article: a title, a URL, a summary, a rich text body of a few paragraphs, tags, an"
                + " SEO group, an author reference and the system fields every entry carries.</p><p>Lorem ipsum dolor sit"
                + " amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut"
                + " enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."
                + "</p><p>Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla"
                + " pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim"
                + " id est laborum.</p><p>Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium"
                + " doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi"
                + " architecto beatae vitae dicta sunt explicabo.</p><p>Nemo enim ipsam voluptatem quia voluptas sit"
                + " aspernatur aut odit aut fugit, sed quia consequuntur magni dolores eos qui ratione voluptatem sequi"
                + " nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit,"
                + " sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat"
                + " voluptatem.</p>");

        static void write(Opts o) throws IOException {
            String kind = o.s("kind", "full");
            long count = o.l("count", 1000);
            String secret = o.s("secret");
            String prefix = o.s("prefix", "b" + Long.toString(System.currentTimeMillis(), 36));
            Path out = Path.of(o.s("out"));
            long t = Instant.now().getEpochSecond();
            String at = Instant.now().toString();
            long size = 0;
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                for (long i = 0; i < count; i++) {
                    String uid = "blt" + prefix + "e" + i;
                    String body = kind.equals("concise") ? concise(uid, at, i) : full(uid, at, i);
                    size += body.length();
                    w.write(signature(secret, t, body));
                    w.write('\t');
                    w.write(body);
                    w.write('\n');
                }
            }
            System.out.printf(Locale.ROOT, "bodies: %d %s bodies, %.0f bytes on average, signed at t=%d -> %s%n",
                    count, kind, (double) size / Math.max(1, count), t, out);
        }

        static String signature(String secret, long t, String body) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
                return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** An entry publish webhook with the whole entry, as Contentstack sends it (about 3 KB). */
        static String full(String uid, String triggeredAt, long i) {
            return "{\"module\":\"entry\",\"api_key\":\"" + API_KEY + "\",\"data\":{\"entry\":{\"title\":\"Benchmark"
                    + " article " + i + "\",\"url\":\"/articles/" + uid + "\",\"summary\":\"A realistic entry used to"
                    + " measure the webhook ingest path of the router; it is published once.\",\"body\":\""
                    + RICH_TEXT + "\",\"tags\":[\"bench\",\"news\",\"ingest\"],\"seo\":{\"meta_title\":\"Benchmark"
                    + " article " + i + "\",\"meta_description\":\"Measuring ingest throughput and latency\","
                    + "\"canonical_url\":\"https://www.example.com/articles/" + uid + "\",\"no_index\":false},"
                    + "\"author\":[{\"uid\":\"blt0author0bench01\",\"_content_type_uid\":\"author\"}],"
                    + "\"related_articles\":[{\"uid\":\"blt0related0bench1\",\"_content_type_uid\":\"article\"},"
                    + "{\"uid\":\"blt0related0bench2\",\"_content_type_uid\":\"article\"},{\"uid\":"
                    + "\"blt0related0bench3\",\"_content_type_uid\":\"article\"}],\"category\":[\"technology\","
                    + "\"cms\"],\"reading_time_minutes\":4,\"featured\":false,\"cs$layout\":\"wide\","
                    + "\"hero_image\":{\"uid\":\"blt0asset0hero0001\",\"url\":\"https://images.example.com/hero.png\","
                    + "\"filename\":\"hero.png\",\"content_type\":\"image/png\"},\"locale\":\"en-us\",\"uid\":\"" + uid
                    + "\",\"created_by\":\"blt0user0bench0001\",\"updated_by\":\"blt0user0bench0001\","
                    + "\"created_at\":\"2026-03-25T09:00:00.000Z\",\"updated_at\":\"" + triggeredAt + "\",\"ACL\":{},"
                    + "\"_version\":3,\"_in_progress\":false,\"publish_details\":[{\"environment\":\"blt0env0production\","
                    + "\"locale\":\"en-us\",\"time\":\"" + triggeredAt + "\",\"user\":\"blt0user0bench0001\","
                    + "\"version\":3}]},\"content_type\":{\"uid\":\"article\",\"title\":\"Article\"},\"environment\":"
                    + "{\"name\":\"production\",\"uid\":\"blt0env0production\"},\"action\":\"publish\",\"status\":"
                    + "\"success\",\"locale\":\"en-us\",\"branch\":{\"uid\":\"main\",\"source\":\"\",\"alias\":[]}},"
                    + "\"event\":\"publish\",\"triggered_at\":\"" + triggeredAt + "\"}";
        }

        /** A concise entry publish webhook (about 400 B): the router fetches the entry from the CDA. */
        static String concise(String uid, String triggeredAt, long i) {
            return "{\"module\":\"entry\",\"api_key\":\"" + API_KEY + "\",\"event\":\"publish\",\"data\":{\"entry\":"
                    + "{\"uid\":\"" + uid + "\",\"title\":\"Concise " + i + "\",\"locale\":\"en-us\",\"_version\":7},"
                    + "\"content_type\":{\"uid\":\"article\",\"title\":\"Article\"},\"environment\":{\"uid\":"
                    + "\"blt0env0production\",\"name\":\"production\"},\"action\":\"publish\",\"status\":\"success\","
                    + "\"locale\":\"en-us\"},\"triggered_at\":\"" + triggeredAt + "\"}";
        }

        static String job(String jobId, long items, String triggeredAt) {
            return "{\"module\":\"jobs\",\"api_key\":\"" + API_KEY + "\",\"event\":\"publish.completed\",\"data\":"
                    + "{\"job_id\":\"" + jobId + "\",\"environment\":{\"name\":\"production\"},\"summary\":{\"success\":"
                    + items + ",\"unsuccess\":0}},\"triggered_at\":\"" + triggeredAt + "\"}";
        }
    }

    // ---------------------------------------------------------------------------------------------- HTTP/1.1 client

    /** A keep-alive HTTP/1.1 connection on a plain socket: cheap enough that the generator is not what is measured. */
    static final class Conn implements AutoCloseable {
        final String host;
        final int port;
        Socket socket;
        BufferedInputStream in;
        OutputStream out;
        int used;
        boolean mustClose;
        volatile boolean shutdown;
        String lastBody;
        /** Read time-out of a request (and connect time-out, at most 5 s). */
        int timeoutMs = 30_000;
        /** exchangeUntil: the attempts that failed, and the last failure. */
        int failures;
        String lastError;

        Conn(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            this.host = hostPort.substring(0, colon);
            this.port = Integer.parseInt(hostPort.substring(colon + 1));
        }

        void open() throws IOException {
            close();
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMs);
            socket.connect(new InetSocketAddress(host, port), Math.min(5_000, timeoutMs));
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = socket.getOutputStream();
            used = 0;
            mustClose = false;
        }

        /** Sends a whole request and reads the whole response; returns the status. Reconnects once on a stale connection. */
        int exchange(byte[] request, boolean keepBody) throws IOException {
            if (shutdown) {
                throw new IOException("generator stopped");
            }
            if (socket == null || mustClose) {
                open();
            }
            boolean reused = used > 0;
            try {
                return once(request, keepBody);
            } catch (IOException stale) {
                if (!reused || shutdown) {
                    throw stale;
                }
                if (System.getenv("BENCH_DEBUG") != null) {
                    System.err.println("retry after " + stale + " on a connection used " + used + " times");
                }
                open(); // the server closed an idle keep-alive connection: one fresh attempt
                return once(request, keepBody);
            }
        }

        /**
         * exchange, tried again on a fresh connection a second after an I/O error, a time-out or an unreadable answer,
         * until the deadline (System.nanoTime); then the last failure is thrown. For pollers of a busy server.
         */
        int exchangeUntil(byte[] request, boolean keepBody, long deadline) throws IOException {
            while (true) {
                try {
                    return exchange(request, keepBody);
                } catch (IOException | RuntimeException e) {
                    failures++;
                    lastError = e.toString();
                    close();
                    if (System.nanoTime() + 1_000_000_000L >= deadline) {
                        throw e instanceof IOException io ? io : new IOException(e);
                    }
                    pause(1000);
                }
            }
        }

        private int once(byte[] request, boolean keepBody) throws IOException {
            out.write(request);
            out.flush();
            used++;
            String statusLine = line();
            if (statusLine == null) {
                throw new IOException("connection closed before the response");
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String h = line(); h != null && !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> mustClose = value.equalsIgnoreCase("close");
                    default -> {
                    }
                }
            }
            java.io.ByteArrayOutputStream body = keepBody ? new java.io.ByteArrayOutputStream() : null;
            if (chunked) {
                while (true) {
                    String size = line();
                    int semi = size.indexOf(';');
                    long n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                    if (n == 0) {
                        for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                            // trailers are ignored
                        }
                        break;
                    }
                    skip(n, body);
                    line();
                }
            } else if (length >= 0) {
                skip(length, body);
            } else if (status != 204 && status != 304) {
                skip(Long.MAX_VALUE, body);
                mustClose = true;
            }
            lastBody = body == null ? null : body.toString(StandardCharsets.UTF_8);
            return status;
        }

        /** Reads n body bytes, or up to the end of the stream when n is Long.MAX_VALUE (no length given). */
        private void skip(long n, java.io.ByteArrayOutputStream keep) throws IOException {
            byte[] buf = new byte[8192];
            boolean toEnd = n == Long.MAX_VALUE;
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) {
                    if (toEnd) {
                        return;
                    }
                    throw new IOException("connection closed in the body");
                }
                if (keep != null) {
                    keep.write(buf, 0, r);
                }
                if (!toEnd) {
                    n -= r;
                }
            }
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder(64);
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return b.length() == 0 ? null : b.toString();
                }
                if (c == '\n') {
                    int len = b.length();
                    return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
                }
                b.append((char) c);
            }
        }

        /** From another thread: ends the exchange in progress, and no request is sent again on this connection. */
        void shutdown() {
            shutdown = true;
            close();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
                socket = null;
            }
        }

        static byte[] post(String hostPort, String path, String signature, String body, String auth) {
            StringBuilder h = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\nHost: ")
                    .append(hostPort).append("\r\nUser-Agent: Contentstack\r\nContent-Type: application/json\r\n");
            if (signature != null) {
                h.append("x-contentstack-hmac-signature: ").append(signature).append("\r\n");
            }
            if (auth != null) {
                h.append("Authorization: ").append(auth).append("\r\n");
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            h.append("Content-Length: ").append(b.length).append("\r\n\r\n");
            byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] all = Arrays.copyOf(head, head.length + b.length);
            System.arraycopy(b, 0, all, head.length, b.length);
            return all;
        }

        static byte[] get(String hostPort, String pathAndQuery, String auth) {
            return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + hostPort + "\r\n"
                    + (auth == null ? "" : "Authorization: " + auth + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    // ---------------------------------------------------------------------------------------------- load generator

    static final class Load {
        static final int NOT_SENT = -2; // closed loop: the run ended before this slot was used
        static final int CUT = -3;      // open loop: still in flight at the hard stop (latency censored)
        static final int UNSENT = -4;   // open loop: due but never sent by the hard stop (latency censored)

        /** atDeadline, when given, runs in its own thread when the offered load stops (before the grace period). */
        static int run(Opts o, Runnable atDeadline) throws Exception {
            String target = o.s("target");
            String path = o.s("path", "/webhooks/contentstack");
            double rate = o.d("rate", 0);
            double duration = o.d("duration", 10);
            int workers = (int) o.l("workers", 128);
            int connections = (int) o.l("connections", 32);
            double grace = o.d("grace", 10);
            String label = o.s("label", "run");
            List<byte[]> requests = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(Path.of(o.s("bodies")), StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int tab = line.indexOf('\t');
                    requests.add(Conn.post(target, path, line.substring(0, tab), line.substring(tab + 1), null));
                }
            }
            boolean open = rate > 0;
            int total = open ? (int) Math.round(rate * duration) : 0;
            int capacity = open ? total : (int) Math.min(50_000_000, Math.max(1, requests.size()) * 4L + 1_000_000);
            long[] latency = new long[capacity];
            long[] service = new long[capacity];
            long[] doneAt = new long[capacity];
            int[] status = new int[capacity];
            AtomicLong next = new AtomicLong();
            long periodNanos = open ? (long) (1e9 / rate) : 0;
            long start = System.nanoTime() + 50_000_000L; // the workers are running before the first slot
            long deadline = start + (long) (duration * 1e9);
            // open loop: an overloaded server is not waited for forever; what is left at the hard stop is censored
            long hardStop = deadline + (long) (grace * 1e9);
            int threads = open ? workers : connections;
            Conn[] conns = new Conn[threads];
            java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> pool = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                Conn conn = conns[w] = new Conn(target);
                Thread t = new Thread(() -> {
                    try (conn) {
                        while (!stopped.get()) {
                            long i = next.getAndIncrement();
                            long intended;
                            if (open) {
                                if (i >= total) {
                                    return;
                                }
                                intended = start + i * periodNanos;
                                for (long now = System.nanoTime(); now < intended; now = System.nanoTime()) {
                                    LockSupport.parkNanos(intended - now);
                                }
                            } else {
                                if (i >= capacity) {
                                    return;
                                }
                                intended = System.nanoTime();
                                if (intended < start) {
                                    LockSupport.parkNanos(start - intended);
                                    intended = System.nanoTime();
                                }
                                if (intended >= deadline) {
                                    status[(int) i] = NOT_SENT;
                                    return;
                                }
                            }
                            if (stopped.get()) {
                                status[(int) i] = UNSENT;
                                latency[(int) i] = hardStop - intended;
                                return;
                            }
                            long sent = System.nanoTime();
                            int code;
                            try {
                                code = conn.exchange(requests.get((int) (i % requests.size())), false);
                            } catch (IOException | RuntimeException e) {
                                code = stopped.get() ? CUT : -1;
                                conn.close();
                            }
                            long done = System.nanoTime();
                            latency[(int) i] = done - intended;
                            service[(int) i] = done - sent;
                            doneAt[(int) i] = done - start;
                            status[(int) i] = code;
                        }
                    }
                }, "load-" + w);
                t.setDaemon(true);
                pool.add(t);
                t.start();
            }
            Thread hook = null;
            if (atDeadline != null) {
                hook = new Thread(() -> {
                    for (long now = System.nanoTime(); now < deadline; now = System.nanoTime()) {
                        LockSupport.parkNanos(deadline - now);
                    }
                    atDeadline.run();
                }, "at-deadline");
                hook.setDaemon(true);
                hook.start();
            }
            if (open) {
                Thread watchdog = new Thread(() -> {
                    for (long now = System.nanoTime(); now < hardStop; now = System.nanoTime()) {
                        LockSupport.parkNanos(hardStop - now);
                    }
                    stopped.set(true);
                    for (Conn c : conns) {
                        c.shutdown();
                    }
                }, "watchdog");
                watchdog.setDaemon(true);
                watchdog.start();
            }
            for (Thread t : pool) {
                t.join();
            }
            if (hook != null) {
                hook.join();
            }
            int n = open ? total : (int) Math.min(next.get(), capacity);
            if (open) {
                for (int i = 0; i < n; i++) {
                    if (status[i] == 0) { // never taken by a worker before the stop
                        status[i] = UNSENT;
                        latency[i] = hardStop - (start + i * periodNanos);
                    }
                }
            }
            return summarise(o, label, open ? "open" : "closed", open ? rate : 0, duration, n, latency, service,
                    doneAt, status, open ? workers : connections, requests.size());
        }

        static int summarise(Opts o, String label, String mode, double rate, double duration, int n, long[] latency,
                             long[] service, long[] doneAt, int[] status, int concurrency, int bodies) throws IOException {
            TreeMap<Integer, Long> codes = new TreeMap<>();
            long[] ok = new long[n];
            long[] svc = new long[n];
            int m = 0;
            long errors = 0;
            long lastDone = 0;
            long notSent = 0;
            long censored = 0;
            long[] all = new long[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (status[i] == NOT_SENT || status[i] == 0 && doneAt[i] == 0) {
                    notSent++;
                    continue;
                }
                codes.merge(status[i], 1L, Long::sum);
                if (status[i] == CUT || status[i] == UNSENT) {
                    censored++; // counted in the percentiles at the latency they had reached at the stop
                    all[k++] = latency[i];
                    continue;
                }
                if (status[i] <= 0) {
                    errors++;
                    continue;
                }
                all[k++] = latency[i];
                ok[m] = latency[i];
                svc[m++] = service[i];
                lastDone = Math.max(lastDone, doneAt[i]);
            }
            long[] lat = Arrays.copyOf(all, k);
            long[] sv = Arrays.copyOf(svc, m);
            Arrays.sort(lat);
            Arrays.sort(sv);
            double elapsed = Math.max(duration, lastDone / 1e9);
            if (mode.equals("closed")) {
                elapsed = duration;
            }
            long accepted = codes.getOrDefault(202, 0L);
            long success = codes.entrySet().stream().filter(e -> e.getKey() >= 200 && e.getKey() < 300)
                    .mapToLong(Map.Entry::getValue).sum();
            long dup = codes.getOrDefault(200, 0L);
            long otherStatus = codes.entrySet().stream().filter(e -> e.getKey() > 0 && e.getKey() != 202 && e.getKey() != 200)
                    .mapToLong(Map.Entry::getValue).sum();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", label);
            row.put("tool", "Bench.load");
            row.put("mode", mode);
            row.put("offered_rps", rate);
            row.put("concurrency", concurrency);
            row.put("duration_s", duration);
            row.put("sent", n - notSent - codes.getOrDefault(UNSENT, 0L));
            row.put("completed", m);
            row.put("throughput_rps", success / elapsed);
            row.put("s202", accepted);
            row.put("s200", dup);
            row.put("other_status", otherStatus);
            row.put("errors", errors);
            row.put("censored", censored);
            row.put("p50_ms", pct(lat, 0.50));
            row.put("p90_ms", pct(lat, 0.90));
            row.put("p99_ms", pct(lat, 0.99));
            row.put("p999_ms", pct(lat, 0.999));
            row.put("max_ms", k == 0 ? Double.NaN : lat[k - 1] / 1e6);
            row.put("svc_p50_ms", pct(sv, 0.50));
            row.put("svc_p99_ms", pct(sv, 0.99));
            row.put("bodies", bodies);
            row.put("codes", codes.toString().replace(" ", ""));
            appendTsv(Path.of(o.s("tsv")), row);
            if (o.m().containsKey("raw")) {
                writeHistogram(Path.of(o.s("raw") + ".hist.txt"), lat, label);
                writeSeries(Path.of(o.s("raw") + ".series.tsv"), n, latency, doneAt, status);
            }
            System.out.println(format(row));
            if (o.m().containsKey("assert")) {
                boolean passed = accepted > 0 && errors == 0 && otherStatus == 0 && dup == 0 && censored == 0;
                System.out.println(passed ? "ASSERT OK: " + accepted + " accepted (202), no errors"
                        : "ASSERT FAILED: 202=" + accepted + " 200=" + dup + " other=" + otherStatus + " errors=" + errors);
                return passed ? 0 : 1;
            }
            return m > 0 ? 0 : 1;
        }

        /** Log-linear buckets (1% wide): upper bound in microseconds, count, cumulative fraction. */
        static void writeHistogram(Path file, long[] sortedNanos, String label) throws IOException {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
                w.println("# " + label + ": latency histogram, 1% wide buckets; upper_us count cumulative");
                int i = 0;
                while (i < sortedNanos.length) {
                    double us = Math.max(1, sortedNanos[i] / 1e3);
                    double upper = Math.pow(1.01, Math.ceil(Math.log(us) / Math.log(1.01)));
                    int c = 0;
                    while (i < sortedNanos.length && sortedNanos[i] / 1e3 <= upper) {
                        i++;
                        c++;
                    }
                    w.printf(Locale.ROOT, "%.1f %d %.6f%n", upper, c, (double) i / sortedNanos.length);
                }
            }
        }

        /** Per second of the run: completions, errors, p50 and p99 of the requests that completed in it. */
        static void writeSeries(Path file, int n, long[] latency, long[] doneAt, int[] status) throws IOException {
            Map<Integer, List<Long>> bySecond = new TreeMap<>();
            Map<Integer, Integer> errs = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                if (doneAt[i] == 0 || status[i] < -1) {
                    continue;
                }
                int s = (int) (doneAt[i] / 1_000_000_000L);
                if (status[i] <= 0) {
                    errs.merge(s, 1, Integer::sum);
                } else {
                    bySecond.computeIfAbsent(s, k -> new ArrayList<>()).add(latency[i]);
                }
            }
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
                w.println("second\tcompleted\terrors\tp50_ms\tp99_ms\tmax_ms");
                for (Map.Entry<Integer, List<Long>> e : bySecond.entrySet()) {
                    long[] l = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
                    w.printf(Locale.ROOT, "%d\t%d\t%d\t%.2f\t%.2f\t%.2f%n", e.getKey(), l.length,
                            errs.getOrDefault(e.getKey(), 0), pct(l, 0.5), pct(l, 0.99), l[l.length - 1] / 1e6);
                }
            }
        }
    }

    static double pct(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(q * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, idx))] / 1e6;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Appends a row (and the header, to a new file); every row gets the version column last. */
    static void appendTsv(Path file, Map<String, Object> fields) throws IOException {
        Map<String, Object> row = new LinkedHashMap<>(fields);
        row.put("version", version);
        boolean header = !Files.exists(file) || Files.size(file) == 0;
        StringBuilder b = new StringBuilder();
        if (header) {
            b.append(String.join("\t", row.keySet())).append('\n');
        }
        List<String> values = new ArrayList<>();
        for (Object v : row.values()) {
            values.add(v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(v));
        }
        b.append(String.join("\t", values)).append('\n');
        Files.writeString(file, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String format(Map<String, Object> row) {
        StringBuilder b = new StringBuilder();
        row.forEach((k, v) -> b.append(k).append('=').append(v instanceof Double d
                ? String.format(Locale.ROOT, "%.2f", d) : v).append(' '));
        return b.toString().trim();
    }

    // ---------------------------------------------------------------------------------------------- end-to-end lag

    static final class Lag {
        static void run(Opts o) throws Exception {
            String router = o.s("router");
            String secret = o.s("secret");
            String auth = "Bearer " + o.s("admin-token");
            int probes = (int) o.l("probes", 200);
            long intervalMs = o.l("interval-ms", 150);
            long pollMicros = o.l("poll-us", 1000);
            String label = o.s("label", "lag");
            String run = Long.toString(System.currentTimeMillis(), 36);
            long[] ack = new long[probes];
            long[] visible = new long[probes];
            int failed = 0;
            int polls = 0;
            try (Conn post = new Conn(router); Conn poll = new Conn(router);
                 PrintWriter raw = o.m().containsKey("raw") ? new PrintWriter(Files.newBufferedWriter(Path.of(o.s("raw")))) : null) {
                if (raw != null) {
                    raw.println("probe\tack_ms\tvisible_ms\tpolls");
                }
                long begin = System.nanoTime();
                for (int k = 0; k < probes; k++) {
                    long slot = begin + k * intervalMs * 1_000_000L;
                    for (long now = System.nanoTime(); now < slot; now = System.nanoTime()) {
                        LockSupport.parkNanos(slot - now);
                    }
                    String uid = "bltlag" + run + "p" + k;
                    String body = Bodies.full(uid, Instant.now().toString(), k);
                    byte[] request = Conn.post(router, "/webhooks/contentstack",
                            Bodies.signature(secret, Instant.now().getEpochSecond(), body), body, null);
                    byte[] read = Conn.get(router, "/cache/entries/article/" + uid + "?environment=production&locale=en-us", auth);
                    long t0 = System.nanoTime();
                    int code = post.exchange(request, false);
                    long tAck = System.nanoTime();
                    if (code != 202) {
                        failed++;
                        continue;
                    }
                    int n = 0;
                    long tSeen = -1;
                    while (System.nanoTime() - t0 < 30_000_000_000L) {
                        n++;
                        if (poll.exchange(read, false) == 200) {
                            tSeen = System.nanoTime();
                            break;
                        }
                        LockSupport.parkNanos(pollMicros * 1000);
                    }
                    polls += n;
                    ack[k] = tAck - t0;
                    visible[k] = tSeen < 0 ? -1 : tSeen - t0;
                    if (tSeen < 0) {
                        failed++;
                    }
                    if (raw != null) {
                        raw.printf(Locale.ROOT, "%d\t%.3f\t%.3f\t%d%n", k, ack[k] / 1e6, visible[k] / 1e6, n);
                    }
                }
            }
            long[] a = Arrays.stream(ack).filter(v -> v > 0).sorted().toArray();
            long[] v = Arrays.stream(visible).filter(x -> x > 0).sorted().toArray();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", label);
            row.put("probes", probes);
            row.put("visible", v.length);
            row.put("failed", failed);
            row.put("background_rps", o.d("background-rps", 0));
            row.put("ack_p50_ms", pct(a, 0.5));
            row.put("ack_p99_ms", pct(a, 0.99));
            row.put("lag_p50_ms", pct(v, 0.5));
            row.put("lag_p90_ms", pct(v, 0.9));
            row.put("lag_p99_ms", pct(v, 0.99));
            row.put("lag_max_ms", v.length == 0 ? Double.NaN : v[v.length - 1] / 1e6);
            row.put("polls_per_probe", (double) polls / Math.max(1, probes - failed));
            row.put("poll_gap_us", pollMicros);
            appendTsv(Path.of(o.s("tsv")), row);
            System.out.println(format(row));
        }
    }

    // ---------------------------------------------------------------------------------------------- bulk job fan-out

    static final class Fanout {
        static final Pattern USED = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");

        static void run(Opts o) throws Exception {
            String router = o.s("router");
            String sim = o.s("sim");
            String auth = "Bearer " + o.s("admin-token");
            long items = o.l("items", 1000);
            String label = o.s("label", "fanout-" + items);
            long pollMs = o.l("poll-ms", 50);
            long pid = o.l("mem-pid", 0);
            List<Long> sampleAt = new ArrayList<>();
            if (o.m().containsKey("sample-at")) {
                for (String s : o.s("sample-at").split(",")) {
                    sampleAt.add(Long.parseLong(s.trim()));
                }
            }
            String jobId = "bench-" + label.replaceAll("[^A-Za-z0-9]", "-") + "-" + Long.toString(System.currentTimeMillis(), 36) + "-n" + items;
            try (Conn r = new Conn(router); Conn s = new Conn(sim)) {
                s.exchange(Conn.post(sim, "/__reset", null, "{}", null), false);
                if (pid > 0) {
                    memSample(o, label, "idle (before the job)", 0, pid);
                }
                String body = Bodies.job(jobId, items, Instant.now().toString());
                byte[] post = Conn.post(router, "/webhooks/contentstack",
                        Bodies.signature(o.s("secret"), Instant.now().getEpochSecond(), body), body, null);
                // the newest settled execution: cheap to ask (its summary covers a finished execution, or none), unlike
                // listing the unfinished one, whose per-item summary would grow with the job on every poll
                byte[] newestSettled = Conn.get(router, "/executions?status=succeeded,partial,failed,ignored&limit=1", auth);
                byte[] stats = Conn.get(sim, "/__stats", null);
                long t0 = System.nanoTime();
                jobStart = t0;
                int code = r.exchange(post, true);
                if (code != 202) {
                    throw new IllegalStateException("job webhook answered " + code + ": " + r.lastBody);
                }
                String execution = field(r.lastBody, "execution_uid");
                long settled = -1;
                int next = 0;
                long deadline = t0 + (long) o.d("timeout-s", 1800) * 1_000_000_000L;
                long lastStats = 0;
                while (System.nanoTime() < deadline) {
                    r.exchangeUntil(newestSettled, true, deadline); // a busy router's slow answer is waited for
                    if (execution.equals(field(r.lastBody, "uid"))) {
                        settled = System.nanoTime();
                        break;
                    }
                    if (next < sampleAt.size() && System.nanoTime() - lastStats > 200_000_000L) {
                        lastStats = System.nanoTime();
                        s.exchange(stats, true);
                        long fetched = number(s.lastBody, "cda", "ok");
                        if (fetched >= sampleAt.get(next)) {
                            memSample(o, label, "after " + sampleAt.get(next) + " items fetched", fetched, pid);
                            next++;
                        }
                    }
                    Thread.sleep(pollMs);
                }
                if (settled < 0) {
                    throw new IllegalStateException("job " + execution + " did not settle in time");
                }
                double wall = (settled - t0) / 1e9;
                s.exchange(stats, true);
                String simStats = s.lastBody;
                if (pid > 0) {
                    while (next < sampleAt.size()) { // a threshold the job never reached (smaller job)
                        next++;
                    }
                    memSample(o, label, "job done (" + items + " items)", number(simStats, "cda", "ok"), pid);
                }
                String summary = r.lastBody;
                if (!summary.contains(execution)) {
                    throw new IllegalStateException("the newest settled execution is not the job's: " + summary);
                }
                if (!summary.contains("\"job_id\"")) {
                    throw new IllegalStateException("not a job execution: " + summary);
                }
                String status = field(summary, "status");
                long succeeded = number(summary, "summary", "succeeded");
                long failed = number(summary, "summary", "failed");
                long attempts = number(summary, "summary", "attempts");
                // "all items cached": read a sample back
                Random random = new Random(items);
                int checks = (int) Math.min(items, 25);
                int cached = 0;
                for (int c = 0; c < checks; c++) {
                    long i = c == 0 ? 0 : c == 1 ? 1 : c == 2 ? items - 1 : (long) (random.nextDouble() * items);
                    boolean asset = i % 5 == 0;
                    String uid = (asset ? "bltasset" : "bltentry") + jobId.hashCode() + "x" + i;
                    String path = asset ? "/cache/assets/" + uid + "?environment=production"
                            : "/cache/entries/article/" + uid + "?environment=production&locale=en-us";
                    if (r.exchange(Conn.get(router, path, auth), false) == 200) {
                        cached++;
                    }
                }
                double cdaRate = effective(o.d("router-cda-rate", 80), number(simStats, "cda_rate"));
                double cmaRate = effective(o.d("router-cma-rate", 10), number(simStats, "cma_rate"));
                long latencyMs = number(simStats, "latency_ms");
                int concurrency = (int) o.l("concurrency", 8);
                long pages = (items + 99) / 100;
                double byCda = items / cdaRate;
                double byCma = (pages + 2) / cmaRate;
                double byLatency = items * (latencyMs / 1000.0) / concurrency;
                double bound = Math.max(byCda, Math.max(byCma, byLatency));
                String binding = bound == byCda ? "cda rate" : bound == byCma ? "cma rate" : "latency/concurrency";
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", label);
                row.put("items", items);
                row.put("status", status);
                row.put("wall_s", wall);
                row.put("bound_s", bound);
                row.put("ratio", wall / bound);
                row.put("binding", binding.replace(' ', '_'));
                row.put("items_per_s", items / wall);
                row.put("cda_requests", number(simStats, "cda", "requests"));
                row.put("cma_requests", number(simStats, "cma", "requests"));
                row.put("cda_429", number(simStats, "cda", "429"));
                row.put("cma_429", number(simStats, "cma", "429"));
                row.put("succeeded", succeeded);
                row.put("failed", failed);
                row.put("attempts", attempts);
                row.put("cache_checks", cached + "/" + checks);
                row.put("cda_max_in_flight", number(simStats, "cda", "max_in_flight"));
                row.put("router_cda_rate", o.d("router-cda-rate", 80));
                row.put("router_cma_rate", o.d("router-cma-rate", 10));
                row.put("sim_cda_rate", (double) number(simStats, "cda_rate"));
                row.put("sim_cma_rate", (double) number(simStats, "cma_rate"));
                row.put("latency_ms", latencyMs);
                row.put("concurrency", concurrency);
                row.put("poll_ms", pollMs);
                if (o.m().containsKey("tsv")) {
                    appendTsv(Path.of(o.s("tsv")), row);
                }
                System.out.println(format(row));
                if (cached != checks || failed != 0) {
                    System.out.println("WARNING: " + (checks - cached) + " sampled items not cached, " + failed + " failed");
                }
            }
        }

        static double effective(double routerRate, long simRate) {
            return simRate > 0 ? Math.min(routerRate, simRate) : routerRate;
        }

        /** When the job was posted (nanoTime), for the elapsed time of each memory point; 0 before. */
        static long jobStart;

        static void memSample(Opts o, String label, String point, long fetched, long pid) throws Exception {
            double elapsed = jobStart == 0 ? 0 : (System.nanoTime() - jobStart) / 1e9;
            jcmd(pid, "GC.run");
            String heap = jcmd(pid, "GC.heap_info");
            Matcher m = USED.matcher(heap);
            long committed = -1;
            long used = -1;
            if (m.find()) {
                committed = Long.parseLong(m.group(1));
                used = Long.parseLong(m.group(2));
            }
            Map<String, Long> status = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                    status.put(line.substring(0, 5), Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", label);
            row.put("point", point.replace('\t', ' '));
            row.put("items_fetched", fetched);
            row.put("elapsed_s", elapsed);
            row.put("rss_mb", status.getOrDefault("VmRSS", -1L) / 1024.0);
            row.put("rss_peak_mb", status.getOrDefault("VmHWM", -1L) / 1024.0);
            row.put("heap_after_gc_mb", used / 1024.0);
            row.put("heap_committed_mb", committed / 1024.0);
            long live = -1;
            if (o.m().containsKey("histo-prefix")) {
                // a second full GC; its Total line is the live heap, and the top classes say what holds it
                String histo = jcmd(pid, "GC.class_histogram");
                String[] lines = histo.split("\n");
                Matcher total = Pattern.compile("Total\\s+\\d+\\s+(\\d+)").matcher(histo);
                if (total.find()) {
                    live = Long.parseLong(total.group(1));
                }
                Files.writeString(Path.of(o.s("histo-prefix") + "-" + fetched + ".txt"),
                        String.join("\n", Arrays.copyOfRange(lines, 0, Math.min(lines.length, 80))) + "\n");
            }
            row.put("live_objects_mb", live / 1048576.0);
            appendTsv(Path.of(o.s("mem-tsv")), row);
            System.out.println(format(row));

        }

        static String jcmd(long pid, String command) throws Exception {
            Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        }
    }

    /** A scalar field's text in a JSON document (first occurrence): enough for the few fields read here. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** A number at a path of object keys (first occurrence of each): 0 when absent. */
    static long number(String json, String... path) {
        int from = 0;
        for (int i = 0; i < path.length - 1; i++) {
            int at = json.indexOf("\"" + path[i] + "\"", from);
            if (at < 0) {
                return 0;
            }
            from = at;
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(path[path.length - 1]) + "\"\\s*:\\s*(-?[0-9.]+)").matcher(json);
        return m.find(from) ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** A number-valued key of the top-level JSON object (not of a nested one); -1 when it is not there. */
    static long topLevelNumber(String json, String key) {
        Pattern pair = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(-?\\d+)");
        int depth = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == '"') {
                if (depth == 1) {
                    Matcher m = pair.matcher(json).region(i, json.length());
                    if (m.lookingAt()) {
                        return Long.parseLong(m.group(1));
                    }
                }
                for (i++; i < json.length() && json.charAt(i) != '"'; i++) { // skip the string
                    if (json.charAt(i) == '\\') {
                        i++;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * The router's unsettled executions: those received, processing or retrying (the baseline has no "retrying"; the
     * filter then matches none), counted by GET /executions?status=...&limit=1 with the admin token. A busy router may
     * answer slowly or not at all: each poll waits up to --request-timeout-s (30 s) and is tried again until a deadline.
     */
    static final class Unsettled implements AutoCloseable {
        static final String PATH = "/executions?status=received,processing,retrying&limit=1";
        final Conn conn;
        final byte[] request;

        Unsettled(Opts o, String router) {
            conn = new Conn(router);
            conn.timeoutMs = (int) (o.d("request-timeout-s", 30) * 1000);
            request = Conn.get(router, PATH, "Bearer " + o.s("admin-token"));
        }

        /** The count, tried again after any failure until the deadline (System.nanoTime); -1 when none came. */
        long count(long deadline) {
            while (true) {
                try {
                    int status = conn.exchangeUntil(request, true, deadline);
                    long n = status == 200 ? topLevelNumber(conn.lastBody, "count") : -1;
                    if (n >= 0) {
                        return n;
                    }
                    conn.failures++;
                    conn.lastError = "HTTP " + status + ": " + abbreviate(conn.lastBody);
                } catch (IOException e) {
                    return -1; // the deadline passed
                }
                if (System.nanoTime() + 1_000_000_000L >= deadline) {
                    return -1;
                }
                pause(1000);
            }
        }

        /** From a count, polls every 250 ms until nothing is unsettled or the deadline; the last count (-1: none). */
        long drain(long count, long deadline) {
            long left = count;
            while (left != 0 && System.nanoTime() < deadline) {
                pause(250);
                long n = count(deadline);
                left = n >= 0 ? n : left;
            }
            return left;
        }

        /**
         * Drains from a count (drain_s counted from `from`, a System.nanoTime), then completes the row with drain_s,
         * settled and poll_failures, appends it to the TSV and prints it.
         */
        void drainAndRecord(Map<String, Object> row, long count, long from, long deadline, Path tsv) throws IOException {
            long left = drain(count, deadline);
            double seconds = (System.nanoTime() - from) / 1e9;
            row.put("drain_s", seconds);
            row.put("settled", outcome(left, seconds));
            row.put("poll_failures", conn.failures);
            appendTsv(tsv, row);
            System.out.println(format(row));
        }

        /** How a drain ended, for the report. */
        String outcome(long left, double waitedS) {
            if (left == 0) {
                return "yes";
            }
            return left > 0 ? "no (" + left + " left after " + Math.round(waitedS) + " s)"
                    : "unknown (no answer in " + Math.round(waitedS) + " s: " + conn.lastError + ")";
        }

        @Override
        public void close() {
            conn.close();
        }

        static String abbreviate(String s) {
            return s == null ? "" : s.length() > 120 ? s.substring(0, 120) + "..." : s;
        }
    }

    /**
     * Waits until the router has no unsettled execution (at most --max-s), and records the count when it started and
     * how long the drain took. Never fails the run: failed polls are retried until the deadline and counted.
     */
    static final class Drain {
        static void run(Opts o) throws IOException {
            double max = o.d("max-s", 60);
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (max * 1e9);
            try (Unsettled u = new Unsettled(o, o.s("router"))) {
                long first = u.count(deadline);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", o.s("label"));
                row.put("unfinished_at_stop", first);
                u.drainAndRecord(row, first, t0, deadline, Path.of(o.s("tsv")));
            }
        }
    }

    /**
     * The backlog when an open-loop load stops: Load (its row to --tsv), and when the offered load stops (before its
     * grace period) the count of unsettled executions; then polls until none is left (at most --max-s from the stop).
     * Its row (to --result-tsv): that count, how long after the stop the count was answered, and the drain time.
     */
    static final class Backlog {
        static void run(Opts o) throws Exception {
            double max = o.d("max-s", 300);
            long[] stop = {0, -1, 0}; // when the load stopped (nanoTime), the unsettled count then, when it was answered
            try (Unsettled u = new Unsettled(o, o.s("target"))) {
                Load.run(o, () -> {
                    stop[0] = System.nanoTime();
                    stop[1] = u.count(stop[0] + (long) (max * 1e9));
                    stop[2] = System.nanoTime();
                });
                long deadline = stop[0] + (long) (max * 1e9);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("label", o.s("label", "backlog"));
                row.put("offered_rps", o.d("rate", 0));
                row.put("duration_s", o.d("duration", 0));
                row.put("unsettled_at_stop", stop[1]);
                row.put("answered_after_s", stop[1] >= 0 ? (stop[2] - stop[0]) / 1e9 : Double.NaN);
                // counted afresh: acks that came in the grace period may have added executions
                u.drainAndRecord(row, u.count(deadline), stop[0], deadline, Path.of(o.s("result-tsv")));
            }
        }
    }

    /** Turns the WRKROW line of bench/tools/ingest.lua into a row of the same TSV as Load writes. */
    static final class WrkRow {
        static void run(Opts o) throws IOException {
            Map<String, Long> v = new HashMap<>();
            for (String line : Files.readAllLines(Path.of(o.s("wrk-out")))) {
                if (line.startsWith("WRKROW ")) {
                    for (String kv : line.substring(7).trim().split(" ")) {
                        int eq = kv.indexOf('=');
                        v.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                    }
                }
            }
            if (v.isEmpty()) {
                throw new IllegalStateException("no WRKROW line in " + o.s("wrk-out"));
            }
            double seconds = v.get("duration_us") / 1e6;
            // once the bodies ran out, a deduplicating server answers their repeats 200 (duplicates) at a fraction
            // of a new webhook's cost: then only the 202s count (a lower bound), never the repeats
            boolean dedupedRepeats = v.get("wraps") > 0 && v.get("s202") > 0 && v.get("s200") > 0;
            long success = dedupedRepeats ? v.get("s202") : v.get("s202") + v.get("s200");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("label", o.s("label"));
            row.put("tool", "wrk");
            row.put("mode", "closed");
            row.put("offered_rps", 0.0);
            row.put("concurrency", o.l("connections", 0));
            row.put("duration_s", seconds);
            row.put("sent", v.get("completed") + v.get("errors"));
            row.put("completed", v.get("completed"));
            row.put("throughput_rps", success / seconds);
            row.put("s202", v.get("s202"));
            row.put("s200", v.get("s200"));
            row.put("other_status", v.get("other_status"));
            row.put("errors", v.get("errors"));
            row.put("censored", 0L);
            row.put("p50_ms", v.get("p50_us") / 1e3);
            row.put("p90_ms", v.get("p90_us") / 1e3);
            row.put("p99_ms", v.get("p99_us") / 1e3);
            row.put("p999_ms", v.get("p999_us") / 1e3);
            row.put("max_ms", v.get("max_us") / 1e3);
            row.put("svc_p50_ms", v.get("p50_us") / 1e3);
            row.put("svc_p99_ms", v.get("p99_us") / 1e3);
            row.put("bodies", o.l("bodies", 0));
            row.put("codes", (dedupedRepeats ? "repeats-not-counted," : "") + "wraps=" + v.get("wraps") + ",connect=" + v.get("connect") + ",read=" + v.get("read")
                    + ",write=" + v.get("write") + ",timeout=" + v.get("timeout"));
            appendTsv(Path.of(o.s("tsv")), row);
            System.out.println(format(row));
        }
    }

    // ---------------------------------------------------------------------------------------------- JFR summary

    static final class JfrHot {
        static final String[][] COMPONENTS = {
                {"H2 database", "org.h2."},
                {"PostgreSQL driver", "org.postgresql."},
                {"HikariCP (connection pool)", "com.zaxxer.hikari."},
                {"Jackson (JSON)", "com.fasterxml.jackson."},
                {"Camel", "org.apache.camel."},
                {"Tomcat", "org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat."},
                {"Spring", "org.springframework."},
                {"router code (io.cmsrouter)", "io.cmsrouter."},
                {"HMAC / crypto", "javax.crypto.", "com.sun.crypto.", "sun.security."},
                {"Caffeine", "com.github.benmanes.caffeine."},
                {"logging", "ch.qos.logback.", "org.slf4j."},
                {"Micrometer", "io.micrometer."},
                {"Apache HttpClient", "org.apache.hc."},
                {"java.util.regex", "java.util.regex."},
                {"UUID / SecureRandom", "java.util.UUID.", "sun.security.provider.NativePRNG", "java.security.SecureRandom"},
        };

        static void run(Opts o) throws Exception {
            Path jfr = Path.of(o.s("jfr"));
            int top = (int) o.l("top", 15);
            Process p = new ProcessBuilder("jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "96",
                    jfr.toString()).redirectErrorStream(true).start();
            List<List<String>> stacks = new ArrayList<>();
            List<String> threads = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> current = null;
                String thread = "?";
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String t = line.trim();
                    if (t.startsWith("sampledThread = ")) {
                        int q = t.indexOf('"');
                        int q2 = t.indexOf('"', q + 1);
                        thread = q >= 0 && q2 > q ? t.substring(q + 1, q2) : t;
                    } else if (t.startsWith("stackTrace = [")) {
                        current = new ArrayList<>();
                    } else if (current != null && t.equals("]")) {
                        stacks.add(current);
                        threads.add(thread);
                        current = null;
                    } else if (current != null && !t.equals("...")) {
                        int l = t.indexOf(" line:");
                        current.add(l > 0 ? t.substring(0, l) : t);
                    }
                }
            }
            p.waitFor();
            int total = stacks.size();
            Map<String, Integer> self = new HashMap<>();
            Map<String, Integer> byThread = new HashMap<>();
            Map<String, Integer> component = new LinkedHashMap<>();
            Map<String, Integer> routerInclusive = new HashMap<>();
            for (int i = 0; i < total; i++) {
                List<String> s = stacks.get(i);
                if (!s.isEmpty()) {
                    self.merge(s.get(0), 1, Integer::sum);
                }
                byThread.merge(threads.get(i).replaceAll("[0-9]+", "N"), 1, Integer::sum);
                for (String[] c : COMPONENTS) {
                    boolean hit = false;
                    for (String frame : s) {
                        for (int k = 1; k < c.length && !hit; k++) {
                            hit = frame.startsWith(c[k]);
                        }
                        if (hit) {
                            break;
                        }
                    }
                    if (hit) {
                        component.merge(c[0], 1, Integer::sum);
                    }
                }
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (String frame : s) {
                    String method = frame.replaceAll("\\(.*", "");
                    if (frame.startsWith("io.cmsrouter.") && seen.add(method)) {
                        routerInclusive.merge(method, 1, Integer::sum);
                    }
                }
            }
            StringBuilder md = new StringBuilder();
            md.append("JFR `jdk.ExecutionSample` (profile settings: every 10 ms a few threads running Java code are sampled, so the counts are shares, not CPU time): ")
                    .append(total).append(" samples from `").append(jfr.getFileName()).append("`.\n\n");
            md.append("| by thread (digits → N) | samples | share |\n|---|---:|---:|\n");
            table(md, byThread, total, 8);
            md.append("\n| component (inclusive: any frame in the stack) | samples | share |\n|---|---:|---:|\n");
            table(md, component, total, COMPONENTS.length);
            md.append("\n| hottest methods (self: top frame) | samples | share |\n|---|---:|---:|\n");
            table(md, self, total, top);
            md.append("\n| router methods (inclusive) | samples | share |\n|---|---:|---:|\n");
            table(md, routerInclusive, total, top);
            blocked(jfr, md, top);
            cpuAndGc(jfr, md);
            Files.writeString(Path.of(o.s("out")), md.toString());
            System.out.print(md);
        }

        /** Frames that mean a pooled thread is idle, waiting for work: such waits are not time lost. */
        static final String[] IDLE = {"ThreadPoolExecutor.getTask", "TaskQueue.take", "TaskQueue.poll",
                "SedaConsumer.doRun", "DelayedWorkQueue.take", "ForkJoinPool.awaitWork", "ForkJoinPool.runWorker",
                "HikariPool$HouseKeeper", "TimerThread.mainLoop", "EPollSelectorImpl", "CacheLongKeyLIRS",
                "FileWatchdog", "ReferenceQueue.remove"};

        /**
         * Where threads waited (jdk.ThreadPark and jdk.JavaMonitorEnter, over the profile threshold of 10-20 ms), by
         * the first frame outside the JDK, without idle pool threads waiting for work.
         */
        static void blocked(Path jfr, StringBuilder md, int top) throws Exception {
            Process p = new ProcessBuilder("jfr", "print", "--events", "jdk.ThreadPark,jdk.JavaMonitorEnter",
                    "--stack-depth", "48", jfr.toString()).redirectErrorStream(true).start();
            Map<String, Double> waited = new HashMap<>();
            Map<String, Integer> count = new HashMap<>();
            double total = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String event = null;
                double ms = 0;
                String thread = "?";
                List<String> frames = null;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String t = line.trim();
                    if (t.startsWith("jdk.ThreadPark {") || t.startsWith("jdk.JavaMonitorEnter {")) {
                        event = t.startsWith("jdk.ThreadPark") ? "park" : "monitor";
                        frames = null;
                    } else if (t.startsWith("duration = ")) {
                        String[] d = t.substring(11).trim().split(" ");
                        double v = Double.parseDouble(d[0]);
                        ms = switch (d.length > 1 ? d[1] : "ms") {
                            case "s" -> v * 1000;
                            case "us" -> v / 1000;
                            case "ns" -> v / 1e6;
                            case "min" -> v * 60_000;
                            default -> v;
                        };
                    } else if (t.startsWith("eventThread = ")) {
                        int q = t.indexOf('"');
                        int q2 = t.indexOf('"', q + 1);
                        thread = (q >= 0 && q2 > q ? t.substring(q + 1, q2) : t).replaceAll("[0-9]+", "N");
                    } else if (t.startsWith("stackTrace = [")) {
                        frames = new ArrayList<>();
                    } else if (frames != null && t.equals("]")) {
                        boolean idle = false;
                        for (String f : frames) {
                            for (String i : IDLE) {
                                idle |= f.contains(i);
                            }
                        }
                        if (!idle) {
                            String at = "(JDK only)";
                            for (String f : frames) {
                                if (!f.startsWith("java.") && !f.startsWith("jdk.") && !f.startsWith("sun.")) {
                                    at = f.replaceAll("\\(.*", "");
                                    break;
                                }
                            }
                            String key = event + " | " + thread + " | " + at;
                            waited.merge(key, ms, Double::sum);
                            count.merge(key, 1, Integer::sum);
                            total += ms;
                        }
                        frames = null;
                    } else if (frames != null && !t.equals("...")) {
                        int l = t.indexOf(" line:");
                        frames.add(l > 0 ? t.substring(0, l) : t);
                    }
                }
            }
            p.waitFor();
            md.append("\n| where threads waited (park / monitor ≥ the profile threshold; idle pool threads left out) | thread | events | total wait |\n|---|---|---:|---:|\n");
            final double all = total;
            waited.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(top)
                    .forEach(e -> {
                        String[] k = e.getKey().split(" \\| ", 3);
                        md.append("| ").append(k[0]).append(" at `").append(k[2]).append("` | `").append(k[1])
                                .append("` | ").append(count.get(e.getKey())).append(" | ")
                                .append(String.format(Locale.ROOT, "%.1f s (%.0f%%)", e.getValue() / 1000,
                                        100 * e.getValue() / Math.max(1, all)))
                                .append(" |\n");
                    });
        }

        /** jdk.CPULoad averages (this JVM against the whole machine) and the GC pauses of the recording. */
        static void cpuAndGc(Path jfr, StringBuilder md) throws Exception {
            Process p = new ProcessBuilder("jfr", "print", "--events", "jdk.CPULoad,jdk.GarbageCollection",
                    jfr.toString()).redirectErrorStream(true).start();
            double user = 0;
            double system = 0;
            double machine = 0;
            int loads = 0;
            double pauses = 0;
            double longest = 0;
            int gcs = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String t = line.trim();
                    if (t.startsWith("jvmUser = ")) {
                        user += percent(t);
                        loads++;
                    } else if (t.startsWith("jvmSystem = ")) {
                        system += percent(t);
                    } else if (t.startsWith("machineTotal = ")) {
                        machine += percent(t);
                    } else if (t.startsWith("sumOfPauses = ")) {
                        pauses += millis(t.substring(14));
                        gcs++;
                    } else if (t.startsWith("longestPause = ")) {
                        longest = Math.max(longest, millis(t.substring(15)));
                    }
                }
            }
            p.waitFor();
            if (loads > 0) {
                md.append(String.format(Locale.ROOT, "%nCPU during the recording (jdk.CPULoad, share of all cores):"
                        + " this JVM %.0f%% user + %.0f%% system; the whole machine %.0f%%.", 100 * user / loads,
                        100 * system / loads, 100 * machine / loads));
            }
            md.append(String.format(Locale.ROOT, " GC: %d collections, %.0f ms of pauses in all, the longest %.0f ms.%n",
                    gcs, pauses, longest));
        }

        static double percent(String line) {
            String v = line.substring(line.indexOf('=') + 1).trim().replace("%", "");
            return Double.parseDouble(v) / 100;
        }

        static double millis(String value) {
            String[] d = value.trim().split(" ");
            double v = Double.parseDouble(d[0]);
            return switch (d.length > 1 ? d[1] : "ms") {
                case "s" -> v * 1000;
                case "us" -> v / 1000;
                case "ns" -> v / 1e6;
                case "min" -> v * 60_000;
                default -> v;
            };
        }

        static void table(StringBuilder md, Map<String, Integer> counts, int total, int top) {
            counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(top)
                    .forEach(e -> md.append("| `").append(e.getKey().replace("|", "\\|")).append("` | ")
                            .append(e.getValue()).append(" | ")
                            .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / Math.max(1, total)))
                            .append(" |\n"));
        }
    }

    // ---------------------------------------------------------------------------------------------- the report

    static final class Report {
        /** A baseline ran in this invocation: the router's rows come as before (baseline) / after (current) pairs. */
        static boolean versioned;
        /** cpu.tsv rows by version and label. */
        static final Map<String, Map<String, String>> cpu = new HashMap<>();

        static void run(Opts o) throws Exception {
            Path raw = Path.of(o.s("raw"));
            Map<String, String> meta = new LinkedHashMap<>();
            Path metaFile = raw.resolve("meta.env");
            if (Files.exists(metaFile)) {
                for (String line : Files.readAllLines(metaFile)) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        meta.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
            }
            List<Map<String, String>> ingest = tsv(raw.resolve("ingest.tsv"));
            List<Map<String, String>> backlogLoad = tsv(raw.resolve("backlog-load.tsv"));
            List<Map<String, String>> backlog = tsv(raw.resolve("backlog.tsv"));
            List<Map<String, String>> fanout = tsv(raw.resolve("fanout.tsv"));
            List<Map<String, String>> memory = tsv(raw.resolve("memory.tsv"));
            List<Map<String, String>> lag = tsv(raw.resolve("lag.tsv"));
            List<Map<String, String>> drains = tsv(raw.resolve("drain.tsv"));
            for (Map<String, String> c : tsv(raw.resolve("cpu.tsv"))) {
                cpu.put(key(c), c);
            }
            versioned = java.util.stream.Stream.of(ingest, backlog, fanout, memory, lag, drains)
                    .flatMap(List::stream).anyMatch(Report::isBefore);
            StringBuilder md = new StringBuilder();
            md.append("# cms-webhook-router benchmark report\n\n");
            md.append("Generated by `bench/run.sh` (").append(meta.getOrDefault("scenario", "?"))
                    .append("). Every number below was measured in this one run, on this machine; ratios compare runs made")
                    .append(" minutes apart under the same conditions. Raw numbers: `raw/` beside this report.\n\n");
            if (versioned) {
                md.append("**Before / after.** Every router row comes twice: **before** is the baseline jar, **after**")
                        .append(" the current one (both described in the machine table below). Each router part ran with")
                        .append(" both jars, one after")
                        .append(" the other, with the same settings, each on a fresh data dir and a fresh simulator; the")
                        .append(" bare endpoint and the peer ran once. Each before row stands just above its after row, and")
                        .append(" each table is followed by the after / before ratios (throughput and items/s: above 1 is")
                        .append(" better; latencies, times, backlogs and heap: below 1 is better).\n\n");
            }
            md.append("## Machine and run\n\n| | |\n|---|---|\n");
            for (String k : List.of("date", "host_cores", "cpu_model", "memory", "kernel", "jdk", "node", "wrk",
                    "git_commit", "after", "before", "jvm_flags", "pinning", "settings", "load_before", "load_after",
                    "duration")) {
                if (meta.containsKey(k)) {
                    md.append("| ").append(k).append(" | ").append(meta.get(k).replace("|", "\\|")).append(" |\n");
                }
            }
            md.append('\n');
            if (!ingest.isEmpty()) {
                ingestSection(md, ingest);
            }
            if (!backlog.isEmpty() || !backlogLoad.isEmpty()) {
                backlogSection(md, backlog, backlogLoad);
            }
            if (!fanout.isEmpty()) {
                fanoutSection(md, fanout);
            }
            if (!memory.isEmpty()) {
                memorySection(md, memory, raw);
            }
            if (!lag.isEmpty()) {
                lagSection(md, lag, drains, tsv(raw.resolve("lag-background.tsv")));
            }
            if (!drains.isEmpty()) {
                drainSection(md, drains);
            }
            targetsSection(md, ingest, backlog, backlogLoad, fanout, memory, lag);
            Path jfr = raw.resolve("jfr-ingest.md");
            if (Files.exists(jfr)) {
                md.append("## Where the time goes (JFR, router at ingest saturation")
                        .append(versioned ? ", current jar" : "").append(")\n\n");
                String how = meta.getOrDefault("jfr_command", "");
                if (how.contains("JFR.start")) {
                    md.append("Recorded in a separate saturation run after the measured ones (").append(how)
                            .append("), so the profiler did not perturb the numbers above.\n\n");
                } else {
                    md.append("Recorded during the measured saturation run (").append(how).append("): the router ran")
                            .append(" under JFR through the whole ingest scenario, so its ingest numbers include JFR's")
                            .append(" overhead.\n\n");
                }
                md.append(Files.readString(jfr)).append('\n');
            }
            Path cmds = raw.resolve("commands.txt");
            if (Files.exists(cmds)) {
                md.append("## Exact commands\n\n```\n").append(Files.readString(cmds).strip()).append("\n```\n\n");
            }
            Path notes = raw.resolve("notes.md");
            if (Files.exists(notes)) {
                md.append(Files.readString(notes)).append('\n');
            }
            Files.writeString(Path.of(o.s("out")), md.toString());
            System.out.println("report: " + o.s("out"));
        }

        // ------------------------------------------------------------------------------------------ versions

        static boolean isBefore(Map<String, String> r) {
            return "before".equals(r.get("version"));
        }

        /** "before" or "after" for a router row; "–" for the bare endpoint, the peer, and rows of older runs. */
        static String ver(Map<String, String> r) {
            String v = r.get("version");
            return v == null || v.isEmpty() || v.equals("-") ? "–" : v;
        }

        static String key(Map<String, String> r) {
            return (isBefore(r) ? "before|" : "|") + r.get("label");
        }

        /** The row of that label measured by that version ("after" also finds rows that name no version). */
        static Map<String, String> find(List<Map<String, String>> rows, String label, String version) {
            for (Map<String, String> r : rows) {
                if (label.equals(r.get("label")) && isBefore(r) == version.equals("before")) {
                    return r;
                }
            }
            return null;
        }

        static List<Map<String, String>> of(List<Map<String, String>> rows, String version) {
            return rows.stream().filter(r -> isBefore(r) == version.equals("before")).toList();
        }

        static List<String> versions() {
            return versioned ? List.of("before", "after") : List.of("after");
        }

        /** Rows grouped by key in the order they first came, each group's before rows first. */
        static List<Map<String, String>> sideBySide(List<Map<String, String>> rows,
                                                    java.util.function.Function<Map<String, String>, String> key) {
            Map<String, List<Map<String, String>>> groups = new LinkedHashMap<>();
            for (Map<String, String> r : rows) {
                groups.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
            }
            List<Map<String, String>> out = new ArrayList<>();
            for (List<Map<String, String>> g : groups.values()) {
                g.stream().filter(Report::isBefore).forEach(out::add);
                g.stream().filter(r -> !isBefore(r)).forEach(out::add);
            }
            return out;
        }

        static List<Map<String, String>> sideBySide(List<Map<String, String>> rows) {
            return sideBySide(rows, r -> r.get("label"));
        }

        /** The version column of a table, when there is a baseline: header, alignment, cell. */
        static String vHead() {
            return versioned ? " version |" : "";
        }

        static String vAlign() {
            return versioned ? "---|" : "";
        }

        static String vCell(Map<String, String> r) {
            return versioned ? " " + ver(r) + " |" : "";
        }

        /** After / before of some columns (pairs: column, title) for each run (key) that both versions measured. */
        static void afterBefore(StringBuilder md, String what, List<Map<String, String>> rows,
                                java.util.function.Function<Map<String, String>, String> key, String... columns) {
            if (!versioned) {
                return;
            }
            Map<String, Map<String, String>> before = new LinkedHashMap<>();
            Map<String, Map<String, String>> after = new LinkedHashMap<>();
            for (Map<String, String> r : rows) {
                (isBefore(r) ? before : after).put(key.apply(r), r);
            }
            List<String> both = before.keySet().stream().filter(after::containsKey).toList();
            if (both.isEmpty()) {
                return;
            }
            md.append("After / before, ").append(what).append(" (current jar over baseline, same run):\n\n| run |");
            for (int i = 1; i < columns.length; i += 2) {
                md.append(' ').append(columns[i]).append(" |");
            }
            md.append("\n|---|").append("---:|".repeat(columns.length / 2)).append('\n');
            for (String k : both) {
                md.append("| ").append(k).append(" |");
                for (int i = 0; i < columns.length; i += 2) {
                    md.append(' ').append(times(after.get(k), before.get(k), columns[i])).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }

        static String times(Map<String, String> a, Map<String, String> b, String k) {
            if (a == null || b == null) {
                return "–";
            }
            double x = d(a, k);
            double y = d(b, k);
            // every measure is >= 0: a negative one is the drain's "no answer" (-1), which has no ratio
            return Double.isNaN(x) || Double.isNaN(y) || x < 0 || y <= 0 ? "–" : String.format(Locale.ROOT, "%.2f×", x / y);
        }

        // ------------------------------------------------------------------------------------------ sections

        static void ingestSection(StringBuilder md, List<Map<String, String>> ingest) {
            md.append("## 1. Ingest: `POST /webhooks/contentstack`\n\n");
            md.append("Router: HMAC signature required (every request signed over `{t}.{body}`), admin token set,")
                    .append(" durability at the router's default (embedded H2 in a fresh temp `router.data-dir`; the")
                    .append(" current version's default is `power-loss`, each group commit forced to the disk; the")
                    .append(" baseline's writes reached the file, unforced, before each ack); the")
                    .append(" `…-process-crash` rows are a second router of the current version started with")
                    .append(" `--router.durability=process-crash`, full bodies only, given the same warm-up and fixed rates")
                    .append(" before its saturation run (the baseline has no such setting).")
                    .append(" Every body is distinct (its own entry uid), with a fresh `triggered_at`, so none is")
                    .append(" a duplicate: `200` (duplicate) answers are counted apart and should be 0. Should a saturation")
                    .append(" run use up its distinct bodies, the router's `200`s to their repeats are not counted in its")
                    .append(" achieved req/s (which is then a lower bound). Bare: a Spring Boot")
                    .append(" 3.5.9 app on the same Tomcat with one `POST` mapping that reads the body and answers `202`, same")
                    .append(" JVM flags. Peer: `@contentstack/webhook-listener` 1.0.5 on Node, default event filters, endpoint")
                    .append(" `/notify`; it verifies no signature, stores nothing, answers `200` before its notify callback")
                    .append(" runs (the callback is a no-op here) and logs a line per request to stdout (its default; sent")
                    .append(" to a file).\n\n");
            md.append("Fixed rates use an open-loop generator (`Bench load`): request *i* is due at start + i/rate, and")
                    .append(" its latency is measured from that due time, so a stalled server is charged for the requests")
                    .append(" it delayed (no coordinated omission). Saturation uses `wrk` (closed loop, latency from the")
                    .append(" send).\n\n");
            ingestTable(md, sideBySide(ingest));
            md.append('\n');
            md.append("### Ratios to the bare endpoint and the peer (same body, same load, this run)\n\n")
                    .append("| load | body |").append(vHead())
                    .append(" our / bare throughput | our / peer throughput | our / bare p99 | our / peer p99 |\n")
                    .append("|---|---|").append(vAlign()).append("---:|---:|---:|---:|\n");
            List<String> loads = new ArrayList<>();
            for (Map<String, String> r : ingest) {
                String[] l = r.get("label").split("/");
                if (l.length == 3 && l[0].equals("router") && !loads.contains(l[1] + "/" + l[2])) {
                    loads.add(l[1] + "/" + l[2]);
                }
            }
            for (String load : loads) {
                String[] lb = load.split("/");
                // the process-crash router's runs are compared with the others' runs at the same load
                String theirs = lb[0] + "/" + lb[1].replaceFirst("-process-crash$", "");
                Map<String, String> bare = find(ingest, "bare/" + theirs, "after");
                Map<String, String> peer = find(ingest, "peer/" + theirs, "after");
                for (String v : versions()) {
                    Map<String, String> ours = find(ingest, "router/" + load, v);
                    if (ours == null) {
                        continue;
                    }
                    md.append("| ").append(lb[1]).append(" | ").append(lb[0]).append(" |").append(vCell(ours)).append(' ')
                            .append(ratio(ours, bare, "throughput_rps")).append(" | ")
                            .append(ratio(ours, peer, "throughput_rps")).append(" | ")
                            .append(ratio(ours, bare, "p99_ms")).append(" | ").append(ratio(ours, peer, "p99_ms"))
                            .append(" |\n");
                }
            }
            md.append('\n');
            afterBefore(md, "ingest", ingest, r -> r.get("label"), "throughput_rps", "throughput", "p50_ms", "p50", "p99_ms",
                    "p99");
        }

        static void backlogSection(StringBuilder md, List<Map<String, String>> backlog,
                                   List<Map<String, String>> load) {
            md.append("## 2. Backlog: what is left to apply when a burst of publishes stops\n\n");
            md.append("After a warm-up whose backlog is drained first, `Bench backlog` offers distinct signed full-body")
                    .append(" entry publishes at a fixed rate (open loop, as `Bench load`). The moment the offered load")
                    .append(" stops (before the grace period for requests still in flight), it asks the router how many")
                    .append(" executions are unsettled (status `received`, `processing` or `retrying`:")
                    .append(" `GET /executions?status=received,processing,retrying&limit=1`, its `count`); then, once")
                    .append(" every request was answered, it polls the same count every 250 ms until it is 0 or the cap.")
                    .append(" A poll that times out (30 s) or fails is tried again until the cap; failed polls are")
                    .append(" counted. Drain time runs from the moment the load stopped. Requests not yet acknowledged")
                    .append(" when the load stopped are not executions yet and are not in that count: the load table")
                    .append(" shows them (cut at stop, latencies), and the target needs every request acknowledged.\n\n");
            if (!load.isEmpty()) {
                md.append("The load:\n\n");
                ingestTable(md, sideBySide(load));
                md.append('\n');
            }
            md.append("| run |").append(vHead()).append(" offered req/s | seconds | unsettled when the load stopped")
                    .append(" | that count answered after | drain time (from the stop) | settled | failed polls |\n")
                    .append("|---|").append(vAlign()).append("---:|---:|---:|---:|---:|---|---:|\n");
            for (Map<String, String> r : sideBySide(backlog)) {
                md.append("| ").append(r.get("label")).append(" |").append(vCell(r)).append(' ')
                        .append(num(r.get("offered_rps"), 0)).append(" | ").append(num(r.get("duration_s"), 0))
                        .append(" | ").append(count(r.get("unsettled_at_stop"))).append(" | ")
                        .append(seconds(r.get("answered_after_s"))).append(" | ").append(seconds(r.get("drain_s")))
                        .append(" | ").append(r.get("settled")).append(" | ").append(r.get("poll_failures"))
                        .append(" |\n");
            }
            md.append('\n');
            afterBefore(md, "backlog", backlog, r -> r.get("label"), "unsettled_at_stop", "unsettled at the stop", "drain_s",
                    "drain time");
            afterBefore(md, "the load", load, r -> r.get("label"), "throughput_rps", "load throughput", "p99_ms", "load p99");
        }

        static void ingestTable(StringBuilder md, List<Map<String, String>> rows) {
            md.append("| run (target/body/load) |").append(vHead())
                    .append(" tool | conc. | offered req/s | achieved req/s | 202 | 200 | other status | errors | cut at stop | p50 | p99 | p99.9 | max | server CPU | machine busy |\n");
            md.append("|---|").append(vAlign()).append("---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, String> r : rows) {
                Map<String, String> c = cpu.getOrDefault(key(r), Map.of());
                md.append("| ").append(r.get("label")).append(" |").append(vCell(r)).append(' ').append(r.get("tool"))
                        .append(" | ").append(r.get("concurrency")).append(" | ")
                        .append("open".equals(r.get("mode")) ? num(r.get("offered_rps"), 0) : "closed loop").append(" | ")
                        .append(num(r.get("throughput_rps"), 0)).append(" | ").append(r.get("s202")).append(" | ")
                        .append(r.get("s200")).append(" | ").append(r.get("other_status")).append(" | ")
                        .append(r.get("errors")).append(" | ").append(r.getOrDefault("censored", "0")).append(" | ")
                        .append(ms(r.get("p50_ms"))).append(" | ")
                        .append(ms(r.get("p99_ms"))).append(" | ").append(ms(r.get("p999_ms"))).append(" | ")
                        .append(ms(r.get("max_ms"))).append(" | ")
                        .append(c.containsKey("server_cores") ? c.get("server_cores") + " cores" : "–").append(" | ")
                        .append(c.containsKey("machine_busy_cores") ? c.get("machine_busy_cores") + " / 2" : "–")
                        .append(" |\n");
            }
        }

        static void fanoutSection(StringBuilder md, List<Map<String, String>> rows) {
            md.append("## 3. Bulk-job fan-out\n\n");
            md.append("`bench/tools/Simulator.java` plays the stack: CMA `GET /v3/bulk/jobs/{id}`, its items (100 a page),")
                    .append(" `GET /v3/environments`; CDA entry and asset fetches. Each request waits the stated latency;")
                    .append(" each API has a token bucket (burst = 1 s of its rate) that answers `429` with `Retry-After`.")
                    .append(" Every fifth item is an asset. Wall time runs from the job webhook's POST to the poll")
                    .append(" (`GET /executions?status=succeeded,partial,failed,ignored&limit=1`) that lists the job's execution")
                    .append(" as the newest settled one; the execution settles only after every item was applied, and a sample of items is then read back from `GET")
                    .append(" /cache`. Lower bound = max(items / CDA rate, (pages + 2) / CMA rate, items × latency /")
                    .append(" concurrency), each rate the lower of the router's ceiling and the simulator's limit (the `+2`")
                    .append(" are the job and environments calls). The router's ceilings and fan-out concurrency are")
                    .append(" passed explicitly (`--contentstack.cda-rate`, `--contentstack.cma-rate`,")
                    .append(" `--router.fanout.concurrency`). `high-limits` raises every limit far enough not to bind, so")
                    .append(" that the router's own apply rate shows.\n\n");
            md.append("| run (execution status) |").append(vHead()).append(" items | wall | lower bound (binding) | wall / bound | items/s | CDA req | CMA req | CDA 429 | CMA 429 | failed items | attempts | cache reads | CDA max in flight | router CDA/CMA rate | sim CDA/CMA limit | latency | concurrency |\n");
            md.append("|---|").append(vAlign()).append("---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|---:|---:|\n");
            for (Map<String, String> r : sideBySide(rows)) {
                md.append("| ").append(r.get("label")).append(" (").append(r.get("status")).append(") |").append(vCell(r))
                        .append(' ').append(r.get("items")).append(" | ").append(num(r.get("wall_s"), 2)).append(" s | ").append(num(r.get("bound_s"), 2)).append(" s (")
                        .append(r.get("binding").replace('_', ' ')).append(") | **").append(num(r.get("ratio"), 2))
                        .append("×** | ").append(num(r.get("items_per_s"), 0)).append(" | ").append(r.get("cda_requests"))
                        .append(" | ").append(r.get("cma_requests")).append(" | ").append(r.get("cda_429")).append(" | ")
                        .append(r.get("cma_429")).append(" | ").append(r.get("failed")).append(" | ")
                        .append(r.get("attempts")).append(" | ").append(r.get("cache_checks")).append(" | ")
                        .append(r.get("cda_max_in_flight")).append(" | ").append(num(r.get("router_cda_rate"), 0))
                        .append("/").append(num(r.get("router_cma_rate"), 0)).append(" | ")
                        .append(limit(r.get("sim_cda_rate"))).append("/").append(limit(r.get("sim_cma_rate")))
                        .append(" | ").append(r.get("latency_ms")).append(" ms | ").append(r.get("concurrency")).append(" |\n");
            }
            md.append('\n');
            afterBefore(md, "fan-out", rows, r -> r.get("label"), "wall_s", "wall time", "items_per_s", "items/s");
        }

        static void memorySection(StringBuilder md, List<Map<String, String>> rows, Path raw) throws IOException {
            md.append("## 4. Memory\n\n");
            md.append("The router with a fixed heap ceiling (see jvm_flags), a fresh data dir, one bulk job through the")
                    .append(" simulator. At each point: `jcmd <pid> GC.run`, then the heap used from `jcmd <pid>")
                    .append(" GC.heap_info`, the live objects from `jcmd <pid> GC.class_histogram` (a second full GC),")
                    .append(" and VmRSS / VmHWM (peak RSS) from `/proc/<pid>/status`. Points are taken when the simulator")
                    .append(" has served that many CDA item fetches.\n\n");
            // items/s between points, per version, before the rows are put side by side
            Map<Map<String, String>, String> rates = new java.util.IdentityHashMap<>();
            for (String v : versions()) {
                double prevT = 0;
                double prevN = 0;
                for (Map<String, String> r : of(rows, v)) {
                    double t = r.containsKey("elapsed_s") ? d(r, "elapsed_s") : Double.NaN;
                    double n = d(r, "items_fetched");
                    rates.put(r, Double.isNaN(t) || t <= prevT ? "–"
                            : String.format(Locale.ROOT, "%.0f", (n - prevN) / (t - prevT)));
                    if (!Double.isNaN(t)) {
                        prevT = t;
                        prevN = n;
                    }
                }
            }
            md.append("| run | point |").append(vHead()).append(" items fetched | since the job's POST | items/s since the previous point | RSS | peak RSS | heap after GC (G1 used) | live objects (histogram) | heap committed |\n|---|---|").append(vAlign()).append("---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, String> r : sideBySide(rows, Report::point)) {
                double t = r.containsKey("elapsed_s") ? d(r, "elapsed_s") : Double.NaN;
                md.append("| ").append(r.get("label")).append(" | ").append(r.get("point")).append(" |").append(vCell(r))
                        .append(' ').append(r.get("items_fetched")).append(" | ")
                        .append(Double.isNaN(t) ? "–" : String.format(Locale.ROOT, "%.0f s", t)).append(" | ")
                        .append(rates.getOrDefault(r, "–")).append(" | ").append(num(r.get("rss_mb"), 0)).append(" MB | ")
                        .append(num(r.get("rss_peak_mb"), 0)).append(" MB | ").append(num(r.get("heap_after_gc_mb"), 1))
                        .append(" MB | ").append(num(r.get("live_objects_mb"), 1)).append(" MB | ")
                        .append(num(r.get("heap_committed_mb"), 0)).append(" MB |\n");
            }
            md.append('\n');
            afterBefore(md, "memory", rows, Report::point, "heap_after_gc_mb", "heap after GC", "live_objects_mb",
                    "live objects", "rss_peak_mb", "peak RSS");
            for (String v : versions()) {
                List<Map<String, String>> span = heapSpan(of(rows, v));
                if (span == null) {
                    continue;
                }
                String first = span.get(0).get("items_fetched");
                String last = span.get(1).get("items_fetched");
                String prefix = "histo-" + (v.equals("before") ? "before-" : "") + "memory-";
                Map<String, long[]> a = histogram(raw.resolve(prefix + first + ".txt"));
                Map<String, long[]> b = histogram(raw.resolve(prefix + last + ".txt"));
                if (a.isEmpty() || b.isEmpty()) {
                    continue;
                }
                md.append("What grew on the heap between ").append(first).append(" and ").append(last)
                        .append(" items").append(versioned ? " (" + v + ")" : "")
                        .append(" (live objects, `jcmd GC.class_histogram`, top 80 classes at each point):\n\n");
                md.append("| class | instances | bytes at ").append(first).append(" | bytes at ").append(last)
                        .append(" | growth | growth per item |\n|---|---:|---:|---:|---:|---:|\n");
                long items = Long.parseLong(last) - Long.parseLong(first);
                b.entrySet().stream()
                        .sorted((x, y) -> Long.compare(y.getValue()[1] - a.getOrDefault(y.getKey(), new long[2])[1],
                                x.getValue()[1] - a.getOrDefault(x.getKey(), new long[2])[1]))
                        .limit(10).forEach(e -> {
                            long[] at = a.getOrDefault(e.getKey(), new long[2]);
                            long growth = e.getValue()[1] - at[1];
                            md.append("| `").append(e.getKey()).append("` | ").append(at[0]).append(" → ")
                                    .append(e.getValue()[0]).append(" | ").append(mb(at[1])).append(" | ")
                                    .append(mb(e.getValue()[1])).append(" | ").append(mb(growth)).append(" | ")
                                    .append(String.format(Locale.ROOT, "%.0f B", (double) growth / Math.max(1, items)))
                                    .append(" |\n");
                        });
                md.append('\n');
            }
        }

        static String point(Map<String, String> r) {
            return r.get("label") + " · " + r.get("point");
        }

        /** The first and the last point taken during the job ("after N items fetched"), when there are two. */
        static List<Map<String, String>> heapSpan(List<Map<String, String>> rows) {
            List<Map<String, String>> during = rows.stream().filter(r -> r.get("point").startsWith("after ")).toList();
            return during.size() < 2 ? null : List.of(during.get(0), during.get(during.size() - 1));
        }

        static void lagSection(StringBuilder md, List<Map<String, String>> lag, List<Map<String, String>> drains,
                               List<Map<String, String>> background) {
            md.append("## 5. End-to-end lag (webhook POST → item readable at `GET /cache/...`)\n\n");
            md.append("Single full-payload entry publishes (no CDA fetch), one at a time, while a background load of")
                    .append(" signed publishes runs at a fixed rate. Lag = from just before the POST is written to the")
                    .append(" first `200` of `GET /cache/entries/...` (polled with a short gap, see the column).")
                    .append(" The router is warmed up first, and **the warm-up's backlog is drained before the background")
                    .append(" load and the probes start**, so that no probe queues behind it");
            List<String> settled = new ArrayList<>();
            for (Map<String, String> d : sideBySide(drains)) {
                if (d.get("label").equals("lag/warmup")) {
                    settled.add((versioned ? ver(d) + ": " : "") + count(d.get("unfinished_at_stop"))
                            + " unsettled after the warm-up, drained in " + seconds(d.get("drain_s")) + " (settled: "
                            + d.get("settled") + ")");
                }
            }
            md.append(settled.isEmpty() ? "" : " (" + String.join("; ", settled) + ")").append(".\n\n");
            md.append("| probes |").append(vHead()).append(" reached cache | failed | background req/s | ack p50 | ack p99 | lag p50 | lag p90 | lag p99 | lag max | polls/probe | poll gap |\n");
            md.append("|---:|").append(vAlign()).append("---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, String> r : sideBySide(lag)) {
                md.append("| ").append(r.get("probes")).append(" |").append(vCell(r)).append(' ').append(r.get("visible"))
                        .append(" | ").append(r.get("failed")).append(" | ").append(num(r.get("background_rps"), 0))
                        .append(" | ").append(ms(r.get("ack_p50_ms"))).append(" | ").append(ms(r.get("ack_p99_ms")))
                        .append(" | ").append(ms(r.get("lag_p50_ms"))).append(" | ").append(ms(r.get("lag_p90_ms")))
                        .append(" | ").append(ms(r.get("lag_p99_ms"))).append(" | ").append(ms(r.get("lag_max_ms")))
                        .append(" | ").append(num(r.get("polls_per_probe"), 1)).append(" | ").append(r.get("poll_gap_us"))
                        .append(" µs |\n");
            }
            md.append('\n');
            afterBefore(md, "lag", lag, r -> r.get("label"), "lag_p50_ms", "lag p50", "lag_p99_ms", "lag p99", "ack_p99_ms",
                    "ack p99");
            if (!background.isEmpty()) {
                md.append("Background load during the probes:\n\n");
                ingestTable(md, sideBySide(background));
                md.append('\n');
            }
        }

        static void drainSection(StringBuilder md, List<Map<String, String>> drains) {
            md.append("## 6. Backlog after each router run\n\n");
            md.append("Executions acknowledged but not yet settled (`received`, `processing` or `retrying`) when a")
                    .append(" load stopped, and the time until none was left, polled every 250 ms with `Bench drain` (a")
                    .append(" poll that times out after 30 s or fails is tried again; capped at `DRAIN_MAX_S`, or")
                    .append(" `SETTLE_MAX_S` for the warm-ups that precede the backlog and lag measurements):\n\n");
            md.append("| run |").append(vHead()).append(" unsettled at stop | drain time | settled | failed polls |\n|---|")
                    .append(vAlign()).append("---:|---:|---|---:|\n");
            for (Map<String, String> d : sideBySide(drains)) {
                md.append("| ").append(d.get("label")).append(" |").append(vCell(d)).append(' ')
                        .append(count(d.get("unfinished_at_stop"))).append(" | ").append(seconds(d.get("drain_s")))
                        .append(" | ").append(d.get("settled")).append(" | ").append(d.getOrDefault("poll_failures", "–"))
                        .append(" |\n");
            }
            md.append('\n');
            afterBefore(md, "backlog after each run", drains, r -> r.get("label"), "unfinished_at_stop", "unsettled at stop", "drain_s",
                    "drain time");
        }

        // ------------------------------------------------------------------------------------------ targets

        /** A measured value, whether it meets its target, and whether it was measured with the target's settings. */
        record Measure(String text, boolean met, boolean asSpecified) {
            Measure(String text, boolean met) {
                this(text, met, true);
            }
        }

        /** The saturation run with process-crash durability: the baseline's default, a setting of the current version. */
        static String processCrash(String version) {
            return "before".equals(version) ? "router/full/saturation" : "router/full/saturation-process-crash";
        }

        /** A target; at(version) is null when that version was not measured. */
        record Target(String name, boolean currentOnly, java.util.function.Function<String, Measure> at) {
        }

        static void targetsSection(StringBuilder md, List<Map<String, String>> ingest, List<Map<String, String>> backlog,
                                   List<Map<String, String>> backlogLoad, List<Map<String, String>> fanout,
                                   List<Map<String, String>> memory, List<Map<String, String>> lag) {
            List<Target> targets = List.of(
                    new Target("Ingest at saturation (wrk), full body, HMAC on, process-crash durability (the"
                            + " baseline's default; the current version's `--router.durability=process-crash`): ≥ 0.5×"
                            + " the bare endpoint", false,
                            v -> saturation(ingest, v, processCrash(v), "bare", 0.5)),
                    new Target("The same: ≥ 1.5× the npm listener", false,
                            v -> saturation(ingest, v, processCrash(v), "peer", 1.5)),
                    new Target("The same with power-loss durability (the current version's default): ≥ 0.3× the bare"
                            + " endpoint", true, v -> saturation(ingest, v, "router/full/saturation", "bare", 0.3)),
                    new Target("Open loop at 1,000 req/s, full body: p99 ack ≤ 25 ms, 0 errors", false,
                            v -> openLoop(find(ingest, "router/full/1000", v))),
                    new Target("Distinct single publishes at 1,000 req/s for 30 s (full body, open loop): fewer than 1 s"
                            + " of traffic unsettled when the load stops, and it drains", false,
                            v -> backlog(backlog, backlogLoad, v)),
                    new Target("End-to-end lag (POST to readable in `GET /cache`) at 200 req/s background: p99 < 100 ms",
                            false, v -> lag(find(lag, "lag", v))),
                    new Target("Fan-out with limits that do not bind (`high-limits`: 5 ms latency, concurrency 32):"
                            + " ≥ 1,000 items/s", false, v -> fanout(fanout, v)),
                    new Target("Live heap after GC, at 10k vs 100k items of a 100k-item job: flat within 20%", false,
                            v -> heap(of(memory, v))));
            md.append("## Targets\n\n");
            md.append("Judged on the current jar (after)")
                    .append(versioned ? "; the baseline's value (before) is given beside it" : "; no baseline ran in this"
                            + " invocation (`BASELINE_REF`)")
                    .append(". \"not measured\": the scenario or the run it needs was not part of this invocation (or")
                    .append(" failed). A miss is reported as a miss.\n\n");
            md.append("| target | after (current) | before (baseline) | verdict (after) |\n|---|---|---|---|\n");
            for (Target t : targets) {
                Measure after = t.at().apply("after");
                String before = !versioned ? "–" : t.currentOnly() ? "n/a (not in baseline)"
                        : text(t.at().apply("before"));
                md.append("| ").append(t.name()).append(" | ").append(text(after)).append(" | ").append(before)
                        .append(" | ").append(after == null ? "not measured" : after.met() ? "**met**" : "**not met**")
                        .append(after == null || after.asSpecified() ? "" : " (not with the target's settings)")
                        .append(" |\n");
            }
            md.append('\n');
        }

        static String text(Measure m) {
            return m == null ? "not measured" : m.text();
        }

        static Measure saturation(List<Map<String, String>> ingest, String version, String label, String other,
                                  double atLeast) {
            Map<String, String> ours = find(ingest, label, version);
            Map<String, String> theirs = find(ingest, other + "/full/saturation", "after");
            if (ours == null || theirs == null) {
                return null;
            }
            double r = d(ours, "throughput_rps") / d(theirs, "throughput_rps");
            return new Measure(String.format(Locale.ROOT, "%.0f vs %.0f req/s = %.2f×", d(ours, "throughput_rps"),
                    d(theirs, "throughput_rps"), r), r >= atLeast);
        }

        static Measure openLoop(Map<String, String> r) {
            if (r == null) {
                return null;
            }
            long errors = (long) (d(r, "errors") + d(r, "other_status"));
            long cut = (long) d(r, "censored");
            return new Measure(String.format(Locale.ROOT, "p99 %.1f ms (p99.9 %.1f ms), %.0f req/s achieved, %d errors,"
                            + " %d cut at the stop", d(r, "p99_ms"), d(r, "p999_ms"), d(r, "throughput_rps"), errors, cut),
                    d(r, "p99_ms") <= 25 && errors == 0 && cut == 0);
        }

        /** Met when fewer than one second's worth of the offered rate is unsettled at the stop, all of it drains, and
         * every request was acknowledged (no error, none cut at the stop). */
        static Measure backlog(List<Map<String, String>> backlog, List<Map<String, String>> load, String version) {
            List<Map<String, String>> rows = of(backlog, version);
            if (rows.isEmpty()) {
                return null;
            }
            Map<String, String> r = rows.get(rows.size() - 1);
            Map<String, String> l = find(load, r.get("label"), version);
            long atStop = (long) d(r, "unsettled_at_stop");
            boolean drained = "yes".equals(r.get("settled"));
            long errors = l == null ? -1 : (long) (d(l, "errors") + d(l, "other_status"));
            long cut = l == null ? -1 : (long) d(l, "censored");
            String text = String.format(Locale.ROOT, "%s unsettled at the stop (offered %.0f req/s for %.0f s); %s",
                    count(r.get("unsettled_at_stop")), d(r, "offered_rps"), d(r, "duration_s"),
                    drained ? "drained " + seconds(r.get("drain_s")) + " after the stop" : "not drained: " + r.get("settled"));
            if (l != null) {
                text += String.format(Locale.ROOT, "; load: %.0f req/s achieved, p99 ack %.1f ms, %d errors, %d cut",
                        d(l, "throughput_rps"), d(l, "p99_ms"), errors, cut);
            }
            return new Measure(text, atStop >= 0 && atStop < d(r, "offered_rps") && drained && errors == 0 && cut == 0,
                    d(r, "offered_rps") == 1000 && d(r, "duration_s") == 30);
        }

        static Measure lag(Map<String, String> r) {
            if (r == null) {
                return null;
            }
            return new Measure(String.format(Locale.ROOT, "p99 %.1f ms (p50 %.1f, max %.1f ms), %s of %s probes readable,"
                            + " background %.0f req/s", d(r, "lag_p99_ms"), d(r, "lag_p50_ms"), d(r, "lag_max_ms"),
                    r.get("visible"), r.get("probes"), d(r, "background_rps")),
                    d(r, "lag_p99_ms") < 100 && d(r, "failed") == 0, d(r, "background_rps") == 200);
        }

        static Measure fanout(List<Map<String, String>> rows, String version) {
            Map<String, String> r = null;
            for (Map<String, String> x : of(rows, version)) {
                if (x.get("label").startsWith("high-limits/")) {
                    r = x;
                }
            }
            if (r == null) {
                return null;
            }
            return new Measure(String.format(Locale.ROOT, "%.0f items/s (%s items in %.2f s, %s, %s failed)",
                            d(r, "items_per_s"), r.get("items"), d(r, "wall_s"), r.get("status"), r.get("failed")),
                    d(r, "items_per_s") >= 1000 && d(r, "failed") == 0 && "succeeded".equals(r.get("status")),
                    d(r, "latency_ms") == 5 && d(r, "concurrency") == 32);
        }

        static Measure heap(List<Map<String, String>> rows) {
            List<Map<String, String>> span = heapSpan(rows);
            if (span == null) {
                return null;
            }
            Map<String, String> first = span.get(0);
            Map<String, String> last = span.get(1);
            String k = d(first, "live_objects_mb") > 0 ? "live_objects_mb" : "heap_after_gc_mb";
            double change = d(last, k) / d(first, k) - 1;
            return new Measure(String.format(Locale.ROOT, "%s: %.1f MB at %s items → %.1f MB at %s items (%+.0f%%); G1"
                            + " used after GC %.1f → %.1f MB; peak RSS %.0f MB",
                    k.equals("live_objects_mb") ? "live objects after full GC" : "heap after GC", d(first, k),
                    first.get("items_fetched"), d(last, k), last.get("items_fetched"), 100 * change,
                    d(first, "heap_after_gc_mb"), d(last, "heap_after_gc_mb"), d(last, "rss_peak_mb")),
                    Math.abs(change) <= 0.2, // the points are N CDA fetches, give or take those in flight
                    Math.abs(d(first, "items_fetched") - 10_000) < 100 && d(last, "items_fetched") == 100_000);
        }

        // ------------------------------------------------------------------------------------------ formatting

        static String mb(long bytes) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
        }

        /** class name -> {instances, bytes} from a saved GC.class_histogram head. */
        static Map<String, long[]> histogram(Path file) throws IOException {
            Map<String, long[]> m = new HashMap<>();
            if (!Files.exists(file)) {
                return m;
            }
            Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
            for (String line : Files.readAllLines(file)) {
                Matcher x = row.matcher(line);
                if (x.find()) {
                    m.put(x.group(3), new long[]{Long.parseLong(x.group(1)), Long.parseLong(x.group(2))});
                }
            }
            return m;
        }

        static String ratio(Map<String, String> a, Map<String, String> b, String k) {
            if (a == null || b == null) {
                return "–";
            }
            return String.format(Locale.ROOT, "%.2f", d(a, k) / d(b, k));
        }

        static String limit(String v) {
            double x = Double.parseDouble(v);
            return x <= 0 ? "none" : String.format(Locale.ROOT, "%.0f", x);
        }

        static double d(Map<String, String> r, String k) {
            String v = r.get(k);
            try {
                return v == null ? Double.NaN : Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }

        static String num(String v, int decimals) {
            if (v == null || v.equals("NaN")) {
                return "–";
            }
            return String.format(Locale.ROOT, "%,." + decimals + "f", Double.parseDouble(v));
        }

        static String ms(String v) {
            return v == null || v.equals("NaN") ? "–" : String.format(Locale.ROOT, "%.2f ms", Double.parseDouble(v));
        }

        static String seconds(String v) {
            return v == null || v.equals("NaN") ? "–" : String.format(Locale.ROOT, "%.1f s", Double.parseDouble(v));
        }

        /** A count; -1 (no answer) as "?". */
        static String count(String v) {
            return v == null || v.startsWith("-") ? "?" : v;
        }

        static List<Map<String, String>> tsv(Path file) throws IOException {
            List<Map<String, String>> rows = new ArrayList<>();
            if (!Files.exists(file)) {
                return rows;
            }
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty()) {
                return rows;
            }
            String[] header = lines.get(0).split("\t");
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank() || line.equals(lines.get(0))) {
                    continue;
                }
                String[] v = line.split("\t", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length && i < v.length; i++) {
                    row.put(header[i], v[i]);
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
