package io.cmsrouter.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cmsrouter.security.SecurityProperties;
import org.springframework.stereotype.Component;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.regex.Pattern;

/** Keeps credentials and signatures out of stored executions: their values become {@code "[redacted]"}. */
@Component
public class Redactor {
    static final String REDACTED = "[redacted]";
    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(authorization|token|secret|password|signature|cookie|credential|api[-_]?key).*");

    /** Custom destination headers (router.security.headers) carry secrets whatever they are called. */
    private final Set<String> secretHeaders;

    public Redactor(SecurityProperties security) {
        this.secretHeaders = security.getHeaders().keySet().stream()
                .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    public static boolean isSecret(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /**
     * The request headers worth keeping, secrets redacted. Camel's own headers and the query parameters (which the
     * HTTP consumer also sets as headers, and which may carry a secret of any name) are left out.
     */
    public Map<String, Object> headers(Map<String, Object> headers) {
        Set<String> queryParameters = queryParameterNames(headers.get("CamelHttpQuery"));
        Map<String, Object> kept = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!name.startsWith("Camel") && !name.equalsIgnoreCase("host")
                    && !queryParameters.contains(name.toLowerCase(Locale.ROOT))) {
                boolean secret = isSecret(name) || secretHeaders.contains(name.toLowerCase(Locale.ROOT));
                kept.put(name, secret ? REDACTED : String.valueOf(value));
            }
        });
        return kept;
    }

    private static Set<String> queryParameterNames(Object query) {
        if (query == null || query.toString().isBlank()) {
            return Set.of();
        }
        return java.util.Arrays.stream(query.toString().split("&"))
                .map(pair -> java.net.URLDecoder.decode(pair.split("=", 2)[0], java.nio.charset.StandardCharsets.UTF_8))
                .map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** A copy of the payload with the values of secret-named fields redacted. */
    public JsonNode payload(JsonNode payload) {
        JsonNode copy = payload.deepCopy();
        redactInPlace(copy);
        return copy;
    }

    private static void redactInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (isSecret(field.getKey()) && !field.getValue().isNull()) {
                    field.setValue(object.textNode(REDACTED));
                } else {
                    redactInPlace(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(Redactor::redactInPlace);
        }
    }
}
