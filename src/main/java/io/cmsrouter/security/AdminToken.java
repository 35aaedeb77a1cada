package io.cmsrouter.security;

import io.cmsrouter.common.InvalidSettingsException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/**
 * The management endpoints' credential ({@code router.admin-token}, sent as {@code Authorization: Bearer ...}),
 * separate from webhook credentials. Without one the service refuses to start, unless
 * {@code router.admin-token-required=false} says the endpoints may be open (behind another gate, or in development).
 */
@Component
public class AdminToken {
    private final String token;
    private final boolean required;

    public AdminToken(@Value("${router.admin-token:}") String token,
                      @Value("${router.admin-token-required:true}") boolean required) {
        problem(token, required).ifPresent(problem -> {
            throw new InvalidSettingsException(List.of(problem));
        });
        this.token = token;
        this.required = required;
    }

    /** What is wrong with these settings, if anything. */
    public static Optional<String> problem(String token, boolean required) {
        return required && token.isBlank() ? Optional.of("router.admin-token (ROUTER_ADMIN_TOKEN) is not set: the"
                + " management endpoints (/executions, /cache, /admin) would be open. Set a token, or set"
                + " router.admin-token-required=false to leave them open on purpose") : Optional.empty();
    }

    public boolean admits(String authorization) {
        if (!required && token.isBlank()) {
            return true;
        }
        return authorization != null && HttpHygieneFilter.same("Bearer " + token, authorization.trim());
    }
}
