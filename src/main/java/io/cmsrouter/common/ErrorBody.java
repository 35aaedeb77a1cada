package io.cmsrouter.common;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every error the router answers: {@code {"error": reason, "status": status}}, never a stack trace. */
public final class ErrorBody {
    private ErrorBody() {
    }

    public static Map<String, Object> of(int status, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason);
        body.put("status", status);
        return body;
    }
}
