package io.cmsrouter.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code router.security.*}: how a webhook proves it comes from our Contentstack stack. */
@ConfigurationProperties("router.security")
public class SecurityProperties {
    public enum Signature { REQUIRED, OFF }

    /** required: every webhook must carry a valid RSA (X-Contentstack-Request-Signature) or HMAC signature. */
    private Signature signature = Signature.REQUIRED;
    /** Organisation HMAC secrets; several during rotation. */
    private List<String> hmacSecrets = new ArrayList<>();
    private final Basic basic = new Basic();
    private String bearerToken = "";
    /** Custom headers Contentstack sends, with their expected values. */
    private Map<String, String> headers = new LinkedHashMap<>();
    /** How old (or how far in the future) triggered_at and the HMAC timestamp may be when signatures are on. */
    private Duration replayTolerance = Duration.ofMinutes(5);
    /** The least time between two fetches of the public key, so bad signatures cannot hammer the key URL. */
    private Duration keyRefreshInterval = Duration.ofSeconds(60);
    private DataSize maxBodySize = DataSize.ofMegabytes(5);
    private int maxJsonDepth = 64;

    public static class Basic {
        private String user = "";
        private String password = "";

        public String getUser() { return user; }
        public void setUser(String user) { this.user = user; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
    }

    public Signature getSignature() { return signature; }
    public void setSignature(Signature signature) { this.signature = signature; }
    public List<String> getHmacSecrets() { return hmacSecrets; }
    /** Blank entries (an empty list item, "a,,b") are not secrets: HMAC with an empty key would match anyone's. */
    public void setHmacSecrets(List<String> hmacSecrets) {
        this.hmacSecrets = hmacSecrets.stream().filter(secret -> secret != null && !secret.isBlank()).toList();
    }
    public Basic getBasic() { return basic; }
    public String getBearerToken() { return bearerToken; }
    public void setBearerToken(String bearerToken) { this.bearerToken = bearerToken; }
    public Map<String, String> getHeaders() { return headers; }
    public void setHeaders(Map<String, String> headers) { this.headers = headers; }
    public Duration getReplayTolerance() { return replayTolerance; }
    public void setReplayTolerance(Duration replayTolerance) { this.replayTolerance = replayTolerance; }
    public Duration getKeyRefreshInterval() { return keyRefreshInterval; }
    public void setKeyRefreshInterval(Duration keyRefreshInterval) { this.keyRefreshInterval = keyRefreshInterval; }
    public DataSize getMaxBodySize() { return maxBodySize; }
    public void setMaxBodySize(DataSize maxBodySize) { this.maxBodySize = maxBodySize; }
    public int getMaxJsonDepth() { return maxJsonDepth; }
    public void setMaxJsonDepth(int maxJsonDepth) { this.maxJsonDepth = maxJsonDepth; }
}
