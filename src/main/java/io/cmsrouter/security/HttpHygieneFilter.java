package io.cmsrouter.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.common.ErrorBody;
import io.cmsrouter.common.WebhookGate;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;

/**
 * What is checked before a request reaches the routes: on the webhook, the content type (415) and the body size
 * (413, counted as it is read, so a chunked body cannot exceed it either); on the management endpoints, the admin
 * token (401). Refusals are JSON like every other error.
 */
@Configuration(proxyBeanMethods = false)
public class HttpHygieneFilter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHygieneFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    // a route reload closes the gate while it swaps the routes webhook requests go through: their requests under
    // way are short, then the new routes start; longer than this, the sender gets 503 and sends again
    private static final Duration GATE_WAIT = Duration.ofSeconds(10);

    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> webhookHygiene(SecurityProperties security, WebhookGate gate) {
        return registered(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (!"POST".equals(request.getMethod())) {
                    chain.doFilter(request, response);
                    return;
                }
                String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
                String media = type.split(";")[0].trim();
                if (!media.equals("application/json") && !media.endsWith("+json")) {
                    refuse(request, response, 415, "Content-Type must be application/json"
                            + (media.isEmpty() ? "" : ", not " + media));
                    return;
                }
                long max = security.getMaxBodySize().toBytes();
                // a declared length over the limit is refused unread; an undeclared (chunked) one is counted
                byte[] body = request.getContentLengthLong() > max ? null : readAtMost(request.getInputStream(), max);
                if (body == null) {
                    refuse(request, response, 413, "body is larger than " + readable(security.getMaxBodySize()));
                    return;
                }
                passGate(gate, GATE_WAIT, request, response, () -> chain.doFilter(new BufferedBody(request, body), response));
            }
        }, "/webhooks/*");
    }

    @Bean
    public FilterRegistrationBean<OncePerRequestFilter> adminAccess(AdminToken adminToken) {
        return registered(new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (adminToken.admits(request.getHeader("Authorization"))) {
                    chain.doFilter(request, response);
                } else {
                    refuse(request, response, 401, "management endpoints need Authorization: Bearer <router.admin-token>");
                }
            }
        }, "/executions", "/executions/*", "/cache/*", "/targets", "/targets/*", "/admin/*", "/actuator/prometheus");
    }

    /** Waits while a route reload replaces the webhook routes (see WebhookGate); 503 if it takes too long. */
    private static void passGate(WebhookGate gate, Duration wait, HttpServletRequest request,
                                 HttpServletResponse response, GatedRequest gated) throws ServletException, IOException {
        boolean entered;
        try {
            entered = gate.enter(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            entered = false;
        }
        if (!entered) {
            response.setHeader("Retry-After", "5");
            refuse(request, response, 503, "the routes are being replaced; retry shortly");
            return;
        }
        try {
            gated.run();
        } finally {
            gate.leave();
        }
    }

    private interface GatedRequest {
        void run() throws ServletException, IOException;
    }

    /** Ahead of Spring MVC, where platform-http serves the routes. */
    private static FilterRegistrationBean<OncePerRequestFilter> registered(OncePerRequestFilter filter, String... paths) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns(paths);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String reason)
            throws IOException {
        LOG.info("Refused {} {}: {} {}", request.getMethod(), request.getRequestURI(), status, reason);
        response.setStatus(status);
        response.setContentType("application/json");
        JSON.writeValue(response.getOutputStream(), ErrorBody.of(status, reason));
    }

    /** The body, or null when it is longer than {@code max} bytes. */
    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        return body.length > max ? null : body;
    }

    /** The request with its body already read, for the routes to read again. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override public int read() { return in.read(); }
                @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
                @Override public boolean isFinished() { return in.available() == 0; }
                @Override public boolean isReady() { return true; }
                @Override public void setReadListener(ReadListener listener) { throw new UnsupportedOperationException(); }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /** Constant-time comparison of two secrets (also when their lengths differ). */
    static boolean same(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** 5MB rather than 5242880B: the size as router.security.max-body-size is written. */
    static String readable(DataSize size) {
        long bytes = size.toBytes();
        return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + "MB"
                : bytes % 1024 == 0 ? bytes / 1024 + "KB" : bytes + "B";
    }
}
