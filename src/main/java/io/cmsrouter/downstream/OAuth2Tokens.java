package io.cmsrouter.downstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmsrouter.downstream.DownstreamProperties.Auth;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * OAuth 2.0 client-credentials tokens for downstream targets, one per target, kept until shortly before they expire
 * and dropped when the target answers 401 (the next attempt fetches a new one).
 */
@Component
public class OAuth2Tokens {
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper mapper;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private record Token(String value, Instant refreshAt) {
    }

    /** The token endpoint refused the credentials: retrying with the same ones cannot help. */
    public static class TokenRefusedException extends RuntimeException {
        TokenRefusedException(String message) {
            super(message);
        }
    }

    public OAuth2Tokens(ObjectMapper mapper,
                        @Value("${router.http.connect-timeout}") long connectTimeoutMillis,
                        @Value("${router.http.response-timeout}") long responseTimeoutMillis) {
        this.mapper = mapper;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(connectTimeoutMillis)).build();
        this.timeout = Duration.ofMillis(responseTimeoutMillis);
    }

    /** A valid access token for the target; an I/O error or a 5xx/429 of the token endpoint is an IOException. */
    public String token(String target, Auth auth) throws IOException {
        Token current = tokens.get(target);
        if (current != null && Instant.now().isBefore(current.refreshAt())) {
            return current.value();
        }
        synchronized (locks.computeIfAbsent(target, name -> new Object())) {
            current = tokens.get(target);
            if (current == null || !Instant.now().isBefore(current.refreshAt())) {
                current = fetch(auth);
                tokens.put(target, current);
            }
            return current.value();
        }
    }

    /** Forgets the target's token (it answered 401), so the next attempt asks for a new one. */
    public void invalidate(String target) {
        tokens.remove(target);
    }

    private Token fetch(Auth auth) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", auth.getClientId());
        form.put("client_secret", auth.getClientSecret());
        auth.getParameters().forEach(form::putIfAbsent);
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(auth.getAccessTokenUrl())).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching an OAuth 2.0 token");
        }
        int status = response.statusCode();
        if (status >= 500 || status == 429) {
            throw new IOException("OAuth 2.0 token endpoint answered HTTP " + status);
        }
        if (status / 100 != 2) {
            throw new TokenRefusedException("OAuth 2.0 token endpoint refused the client credentials: HTTP " + status);
        }
        JsonNode token = mapper.readTree(response.body());
        String value = token.path("access_token").asText("");
        if (value.isEmpty()) {
            throw new TokenRefusedException("OAuth 2.0 token endpoint answered without an access_token");
        }
        return new Token(value, refreshAt(token.path("expires_in")));
    }

    /** A little before expiry (a tenth of the lifetime, at most 30 s), so a token does not expire in flight. */
    private static Instant refreshAt(JsonNode expiresIn) {
        long seconds = expiresIn.isNumber() || expiresIn.isTextual() ? expiresIn.asLong(-1) : -1;
        if (seconds < 0) {
            return Instant.MAX;
        }
        long millis = seconds * 1000;
        return Instant.now().plusMillis(millis - Math.min(30_000, millis / 10));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
