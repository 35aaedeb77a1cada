package io.cmsrouter.downstream;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code router.targets} (the downstream systems told of every change the router applies to its cache) and
 * {@code router.delivery} (how they are told). Bound with Spring's relaxed binding, so a target can also come from
 * environment variables: {@code ROUTER_TARGETS_0_URL}, {@code ROUTER_TARGETS_0_CHANNELS_0}, ...
 */
@ConfigurationProperties("router")
public class DownstreamProperties {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final String SECRET_PREFIX = "whsec_";

    private List<Target> targets = new ArrayList<>();
    private final Delivery delivery = new Delivery();

    public enum AuthType { NONE, BASIC, BEARER, OAUTH2 }

    public static class Target {
        private String name;
        private String url;
        /** Channel-name patterns, {@code *} matching any run of characters (as in routes/router.camel.yaml). */
        private List<String> channels = new ArrayList<>();
        private boolean enabled = true;
        private final Auth auth = new Auth();
        private Map<String, String> headers = new LinkedHashMap<>();
        private int batchSize = 100;
        /** Requests per second; 0 is no ceiling. */
        private double rate = 0;
        /** Standard Webhooks signing secret, {@code whsec_<base64 key>}. */
        private String secret;

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public List<String> getChannels() { return channels; }
        public void setChannels(List<String> channels) { this.channels = channels; }
        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Auth getAuth() { return auth; }
        public Map<String, String> getHeaders() { return headers; }
        public void setHeaders(Map<String, String> headers) { this.headers = headers; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public double getRate() { return rate; }
        public void setRate(double rate) { this.rate = rate; }
        public String getSecret() { return secret; }
        public void setSecret(String secret) { this.secret = secret; }

        /** The key of {@code whsec_<base64>}: what HMAC-SHA256 signs with. */
        public byte[] signingKey() {
            return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        }
    }

    /** The authentication types of Contentstack's webhook destinations: none, Basic, Bearer, OAuth 2.0 client credentials. */
    public static class Auth {
        private AuthType type = AuthType.NONE;
        private String user;
        private String password;
        private String token;
        private String accessTokenUrl;
        private String clientId;
        private String clientSecret;
        /** Extra parameters of the token request (scope, audience, ...). */
        private Map<String, String> parameters = new LinkedHashMap<>();

        public AuthType getType() { return type; }
        public void setType(AuthType type) { this.type = type; }
        public String getUser() { return user; }
        public void setUser(String user) { this.user = user; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public String getToken() { return token; }
        public void setToken(String token) { this.token = token; }
        public String getAccessTokenUrl() { return accessTokenUrl; }
        public void setAccessTokenUrl(String accessTokenUrl) { this.accessTokenUrl = accessTokenUrl; }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getClientSecret() { return clientSecret; }
        public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
        public Map<String, String> getParameters() { return parameters; }
        public void setParameters(Map<String, String> parameters) { this.parameters = parameters; }
    }

    public static class Delivery {
        /** How often each target's outbox is looked at when it had nothing to send. */
        private Duration pollInterval = Duration.ofMillis(100);
        /** Notifications sent to a target per look at its outbox. */
        private int pollBatch = 100;
        /** Consecutive failed requests that open a target's circuit breaker (Contentstack's own breaker uses 10). */
        private int failureThreshold = 10;
        /** How long an open breaker holds deliveries before one probe request (half-open). */
        private Duration openWait = Duration.ofSeconds(30);

        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public int getPollBatch() { return pollBatch; }
        public void setPollBatch(int pollBatch) { this.pollBatch = pollBatch; }
        public int getFailureThreshold() { return failureThreshold; }
        public void setFailureThreshold(int failureThreshold) { this.failureThreshold = failureThreshold; }
        public Duration getOpenWait() { return openWait; }
        public void setOpenWait(Duration openWait) { this.openWait = openWait; }
    }

    public List<Target> getTargets() { return targets; }
    public void setTargets(List<Target> targets) { this.targets = targets; }
    public Delivery getDelivery() { return delivery; }

    /** Every misconfiguration, each naming the target and the key to fix; empty when the configuration is sound. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            String at = "router.targets[" + i + "]" + (t.name == null ? "" : " (" + t.name + ")");
            if (t.name == null || !NAME.matcher(t.name).matches()) {
                problems.add(at + ".name must be 1-64 letters, digits, '-' or '_'");
            } else if (!names.add(t.name.toLowerCase(Locale.ROOT))) {
                problems.add(at + ".name is used by another target");
            }
            if (!isHttpUrl(t.url)) {
                problems.add(at + ".url must be an absolute http or https URL");
            }
            if (t.channels.stream().noneMatch(c -> c != null && !c.isBlank())) {
                problems.add(at + ".channels must name at least one channel pattern, e.g. 'content_types.*.entries.*'");
            }
            if (t.batchSize < 1) {
                problems.add(at + ".batch-size must be at least 1");
            }
            if (t.rate < 0) {
                problems.add(at + ".rate must be 0 (no ceiling) or more requests per second");
            }
            if (!isSecret(t.secret)) {
                problems.add(at + ".secret must be whsec_ followed by a base64 key of 24 to 64 bytes"
                        + " (e.g. whsec_$(head -c 32 /dev/urandom | base64))");
            }
            Auth a = t.auth;
            switch (a.type) {
                case BASIC -> require(problems, at + ".auth.user", a.user);
                case BEARER -> require(problems, at + ".auth.token", a.token);
                case OAUTH2 -> {
                    if (!isHttpUrl(a.accessTokenUrl)) {
                        problems.add(at + ".auth.access-token-url must be an absolute http or https URL");
                    }
                    require(problems, at + ".auth.client-id", a.clientId);
                    require(problems, at + ".auth.client-secret", a.clientSecret);
                }
                case NONE -> { }
            }
        }
        if (delivery.failureThreshold < 1 || delivery.pollBatch < 1) {
            problems.add("router.delivery.failure-threshold and router.delivery.poll-batch must be at least 1");
        }
        return problems;
    }

    private static void require(List<String> problems, String key, String value) {
        if (value == null || value.isBlank()) {
            problems.add(key + " is required for this auth type");
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() != null && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (IllegalArgumentException | NullPointerException notAUrl) {
            return false;
        }
    }

    /** The Standard Webhooks secret form; the spec's keys are 24 to 64 bytes. */
    private static boolean isSecret(String secret) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
            return false;
        }
        try {
            int length = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())).length;
            return length >= 24 && length <= 64;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
