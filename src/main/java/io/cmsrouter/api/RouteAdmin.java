package io.cmsrouter.api;

import io.cmsrouter.common.ErrorBody;
import io.cmsrouter.reload.InvalidRoutesException;
import io.cmsrouter.reload.RouteReload;
import io.cmsrouter.reload.RoutesBrokenException;
import io.cmsrouter.reload.RoutesBusyException;
import io.cmsrouter.reload.RunningRoutes;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * GET /admin/routes and POST /admin/routes/reload. Served by Spring MVC, not by a Camel route: the request that
 * replaces the routes must not run in one of them (the admin token is checked by the filter, as for /admin/*).
 */
@RestController
@RequestMapping("/admin/routes")
public class RouteAdmin {
    private final RouteReload reload;

    public RouteAdmin(RouteReload reload) {
        this.reload = reload;
    }

    @GetMapping(produces = "application/json")
    public RunningRoutes running() {
        return reload.running();
    }

    @PostMapping(path = "/reload", produces = "application/json")
    public RunningRoutes reload() {
        return reload.reload();
    }

    @ExceptionHandler(InvalidRoutesException.class)
    public ResponseEntity<Map<String, Object>> refused(InvalidRoutesException e) {
        Map<String, Object> body = ErrorBody.of(422, e.getMessage());
        body.put("problems", e.getProblems());
        return ResponseEntity.unprocessableEntity().body(body);
    }

    /** The new routes failed to start and the previous ones could not be put back (RouteReload logs why). */
    @ExceptionHandler(RoutesBrokenException.class)
    public ResponseEntity<Map<String, Object>> broken(RoutesBrokenException e) {
        return ResponseEntity.status(500).body(ErrorBody.of(500, e.getMessage()));
    }

    @ExceptionHandler(RoutesBusyException.class)
    public ResponseEntity<Map<String, Object>> busy(RoutesBusyException e) {
        return ResponseEntity.status(409).body(ErrorBody.of(409, e.getMessage()));
    }
}
