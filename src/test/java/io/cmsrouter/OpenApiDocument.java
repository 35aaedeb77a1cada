package io.cmsrouter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router's OpenAPI document, as a test reads it: its operations, and whether a real answer is one it documents.
 * {@link #check} finds the operation a request was made to, asserts that the answer's status and content type are
 * documented for it and that the body validates against the documented schema (JSON Schema 2020-12, $refs into
 * {@code #/components/schemas}, formats asserted), and records the status as exercised.
 */
final class OpenApiDocument {
    private static final String BASE = "https://cms-webhook-router.test/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private final JsonNode document;
    private final SchemaRegistry schemas;
    private final Set<String> exercised = new TreeSet<>();

    OpenApiDocument(String text) {
        this.text = text;
        this.document = read(text);
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, registry -> registry
                .schemas(Map.of(BASE, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /**
     * What makes the document no valid OpenAPI 3.1 document: what swagger-parser finds (its structure, $refs that
     * resolve nowhere), and schemas that are no valid JSON Schema 2020-12 (which swagger-parser does not check).
     */
    List<String> problems() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
        List<String> problems = new ArrayList<>(result.getMessages() == null ? List.of() : result.getMessages());
        if (result.getOpenAPI() == null) {
            problems.add("not an OpenAPI document");
        }
        Schema metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
        List<JsonNode> schemas = new ArrayList<>(document.findValues("schema"));
        document.at("/components/schemas").forEach(schemas::add);
        for (JsonNode schema : schemas) {
            metaSchema.validate(schema).forEach(error -> problems.add(schema + ": " + error));
        }
        return problems;
    }

    /** Every documented operation, as "GET /executions/{execution_uid}". */
    Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            path.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    operations.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return operations;
    }

    /** Every documented answer, as "GET /executions/{execution_uid} 404". */
    Set<String> answers() {
        Set<String> answers = new TreeSet<>();
        for (String operation : operations()) {
            operation(operation).path("responses").fieldNames().forEachRemaining(s -> answers.add(operation + " " + s));
        }
        return answers;
    }

    /** The answers {@link #check} has seen. */
    Set<String> exercised() {
        return exercised;
    }

    /** Whether the operation is documented as needing the admin token. */
    boolean needsAdminToken(String operation) {
        for (JsonNode requirement : operation(operation).path("security")) {
            if (requirement.has("adminToken")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asserts that the answer is documented for the request it answers, and that its body validates against the
     * documented schema; returns the body as JSON (a string for non-JSON bodies).
     */
    JsonNode check(HttpResponse<String> response) {
        String operation = operationOf(response.request().method(), response.request().uri().getPath());
        String status = String.valueOf(response.statusCode());
        JsonNode answer = resolve(operation(operation).path("responses").path(status));
        assertThat(answer.isMissingNode())
                .as("%s answered %s, which the document does not list for it (%s): %s", operation, status,
                        fieldNames(operation(operation).path("responses")), response.body())
                .isFalse();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String media = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode content = answer.path("content");
        assertThat(content.has(media))
                .as("%s %s answered Content-Type '%s'; the document lists %s", operation, status, contentType,
                        fieldNames(content))
                .isTrue();
        JsonNode body = media.endsWith("json") ? read(response.body()) : TextNode.valueOf(response.body());
        List<Error> errors = schemaOf(content.path(media).path("schema")).validate(body);
        assertThat(errors)
                .as("%s %s (%s) does not match the document's schema %s:%n%s", operation, status, media,
                        content.path(media).path("schema"), response.body())
                .isEmpty();
        exercised.add(operation + " " + status);
        return body;
    }

    /** The documented operation whose path template matches the request's path; literal segments win. */
    String operationOf(String method, String path) {
        String best = null;
        int bestLiterals = -1;
        for (String operation : operations()) {
            String[] parts = operation.split(" ", 2);
            if (!parts[0].equals(method)) {
                continue;
            }
            int literals = literalSegmentsMatching(parts[1], path);
            if (literals > bestLiterals) {
                best = operation;
                bestLiterals = literals;
            }
        }
        assertThat(best).as("the document has no operation %s %s", method, path).isNotNull();
        return best;
    }

    /** How many literal segments of the template match the path; -1 when the path does not match it. */
    private static int literalSegmentsMatching(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        if (t.length != p.length) {
            return -1;
        }
        int literals = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("{") && t[i].endsWith("}") && !p[i].isEmpty()) {
                continue;
            }
            if (!t[i].equals(p[i])) {
                return -1;
            }
            literals++;
        }
        return literals;
    }

    private JsonNode operation(String operation) {
        String[] parts = operation.split(" ", 2);
        return document.path("paths").path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT));
    }

    /** A response object, or what its $ref (into #/components/responses) names. */
    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText(null);
        return ref == null ? node : document.at(ref.substring(1));
    }

    /**
     * A $ref into the document is validated where it points, so that the schemas it refers to resolve; an inline
     * schema is validated on its own, and may therefore refer to nothing.
     */
    private Schema schemaOf(JsonNode schema) {
        String ref = schema.path("$ref").asText(null);
        if (ref != null) {
            return schemas.getSchema(SchemaLocation.of(BASE + ref));
        }
        assertThat(schema.findValue("$ref")).as("an inline response schema with a $ref: %s", schema).isNull();
        return schemas.getSchema(schema);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> i = node.fieldNames(); i.hasNext(); ) {
            names.add(i.next());
        }
        return names;
    }

    private static JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
