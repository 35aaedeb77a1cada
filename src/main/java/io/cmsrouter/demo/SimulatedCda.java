package io.cmsrouter.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The simulated stack's Content Delivery API: one entry or asset as published in an environment (by name) and
 * locale. What the catalogue does not hold answers 422, as Contentstack does for a missing or unpublished item.
 */
@Profile("demo")
@RestController
@RequestMapping(path = "/demo/contentstack/cdn/v3", produces = "application/json")
public class SimulatedCda {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DemoCatalogue catalogue;
    private final StackAccess access;

    public SimulatedCda(DemoCatalogue catalogue, StackAccess access) {
        this.catalogue = catalogue;
        this.access = access;
    }

    @GetMapping("/content_types/{contentType}/entries/{uid}")
    public ResponseEntity<ObjectNode> entry(@RequestHeader HttpHeaders headers, @PathVariable String contentType,
                                            @PathVariable String uid, @RequestParam String environment,
                                            @RequestParam(defaultValue = DemoCatalogue.LOCALE) String locale)
            throws InterruptedException {
        return answer(headers, "entry", () -> catalogue.entry(contentType, uid, environment, locale));
    }

    @GetMapping("/assets/{uid}")
    public ResponseEntity<ObjectNode> asset(@RequestHeader HttpHeaders headers, @PathVariable String uid,
                                            @RequestParam String environment) throws InterruptedException {
        return answer(headers, "asset", () -> catalogue.asset(uid, environment));
    }

    private ResponseEntity<ObjectNode> answer(HttpHeaders headers, String wrapper,
                                              Supplier<Optional<ObjectNode>> lookup) throws InterruptedException {
        return access.refusal(headers, StackAccess.Api.CDA).orElseGet(() -> lookup.get()
                .map(item -> ResponseEntity.ok(NODES.objectNode().<ObjectNode>set(wrapper, item)))
                .orElseGet(() -> StackAccess.error(HttpStatus.UNPROCESSABLE_ENTITY, 141,
                        "The requested object doesn't exist.", "uid")));
    }
}
