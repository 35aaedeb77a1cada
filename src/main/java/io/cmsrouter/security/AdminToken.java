package io.cmsrouter.security;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

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
        if (required && token.isBlank()) {
            throw new IllegalStateException("router.admin-token (ROUTER_ADMIN_TOKEN) is not set: the management"
                    + " endpoints (/executions, /cache) would be open. Set a token, or set"
                    + " router.admin-token-required=false to leave them open on purpose.");
        }
        this.token = token;
        this.required = required;
    }

    public boolean admits(String authorization) {
        if (!required && token.isBlank()) {
            return true;
        }
        return authorization != null && HttpHygieneFilter.same("Bearer " + token, authorization.trim());
    }
}
