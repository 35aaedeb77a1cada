package io.cmsrouter;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.util.Set;
import java.util.TreeSet;

/**
 * What the running router serves over HTTP, read from the running application rather than from any document: Camel's
 * platform-http endpoints (the REST DSL's and the webhooks'), its own Spring MVC controllers, and the actuator's
 * discovery page, endpoints and health groups. Operations are written "GET /cache/entries/{}/{}": path parameters without their names, which differ
 * between the routes and the document.
 */
final class ServedOperations {
    private ServedOperations() {
    }

    static Set<String> of(CamelContext camel, RequestMappingHandlerMapping mvc, PathMappedEndpoints actuator,
                          HealthEndpointGroups healthGroups) {
        Set<String> served = new TreeSet<>();
        // the router's own Spring MVC controllers (GET /admin/routes and the reload)
        mvc.getHandlerMethods().forEach((mapping, handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("io.cmsrouter")) {
                mapping.getMethodsCondition().getMethods().forEach(method -> mapping.getPatternValues()
                        .forEach(path -> served.add(withoutParameterNames(method.name() + " " + path))));
            }
        });
        for (Endpoint endpoint : camel.getEndpoints()) {
            if (endpoint instanceof PlatformHttpEndpoint http) {
                // an endpoint open to every method would show as "ANY", which no document lists
                String methods = http.getHttpMethodRestrict() == null ? "ANY" : http.getHttpMethodRestrict();
                for (String method : methods.split(",")) {
                    served.add(withoutParameterNames(method.trim() + " " + http.getPath()));
                }
            }
        }
        served.add("GET " + actuator.getBasePath());
        actuator.getAllPaths().forEach(path -> served.add("GET " + path));
        String health = actuator.getPath(EndpointId.of("health"));
        healthGroups.getNames().forEach(group -> served.add("GET " + health + "/" + group));
        return served;
    }

    /** "GET /cache/entries/{contentTypeUid}/{uid}" and "GET /cache/entries/{content_type_uid}/{entry_uid}" alike. */
    static String withoutParameterNames(String operation) {
        return operation.replaceAll("\\{[^}]+}", "{}");
    }
}
