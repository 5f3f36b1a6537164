package dev.libraryevents.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API's OpenAPI 3.1 document ({@code docs/openapi.yaml}), as tests hold the code to it: which operations it
 * names, and whether an answer the API gave fits the schema it documents. The schemas are checked by networknt's
 * JSON Schema validator (draft 2020-12, OpenAPI 3.1's dialect), each inside the whole document so that its
 * {@code $ref}s resolve as they do in the document.
 */
public final class OpenApi {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonNode document;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true)
                    .build()));
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    private OpenApi(JsonNode document) {
        this.document = document;
    }

    /** The repository's document, found from the working directory up. */
    public static OpenApi load() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isRegularFile(directory.resolve("docs/openapi.yaml"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("no docs/openapi.yaml above " + Path.of("").toAbsolutePath());
        }
        try {
            return new OpenApi(YAML.readTree(directory.resolve("docs/openapi.yaml").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /** Every operation, as {@code "METHOD /path/{template}"}. */
    public Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> resolve(path.getValue()).fieldNames()
                .forEachRemaining(method -> {
                    if (METHODS.contains(method)) {
                        operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                    }
                }));
        return operations;
    }

    /** The path template a concrete path matches, if any (a query string is ignored). */
    public Optional<String> template(String path) {
        String[] segments = path.split("\\?", 2)[0].split("/", -1);
        Iterator<String> templates = document.path("paths").fieldNames();
        while (templates.hasNext()) {
            String template = templates.next();
            String[] parts = template.split("/", -1);
            boolean matches = parts.length == segments.length;
            for (int i = 0; matches && i < parts.length; i++) {
                matches = parts[i].startsWith("{") ? !segments[i].isEmpty() : parts[i].equals(segments[i]);
            }
            if (matches) {
                return Optional.of(template);
            }
        }
        return Optional.empty();
    }

    /**
     * What is wrong with an answer, by the document: nothing when the operation or its status is not documented
     * (a 405 or a 404 of a path that is no route is answered the same on every path), else each violation of the
     * documented schema, or that the status is not documented for the operation.
     */
    public List<String> violations(String method, String path, int status, String contentType, String body) {
        Optional<String> template = template(path);
        if (template.isEmpty()) {
            return List.of();
        }
        JsonNode operation = resolve(document.path("paths").path(template.get()))
                .path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            return List.of();
        }
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        String where = method + " " + template.get() + " " + status;
        if (response.isMissingNode()) {
            return status >= 500 || status == 405 ? List.of() : List.of(where + ": the status is not documented");
        }
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip();
        JsonNode content = response.path("content");
        if (content.isMissingNode() || body == null || body.isEmpty()) {
            return content.isMissingNode() ? List.of() : List.of(where + ": no body, but one is documented");
        }
        if (!content.has(mediaType)) {
            return List.of(where + ": " + mediaType + " is not documented");
        }
        Schema schema = schemas.computeIfAbsent(where + " " + mediaType, key -> schemaAt(response, mediaType));
        List<String> violations = new ArrayList<>();
        try {
            for (Error error : schema.validate(body, InputFormat.JSON)) {
                violations.add(where + ": " + error.getMessage());
            }
        } catch (RuntimeException e) {
            violations.add(where + ": the body is not JSON: " + e.getMessage());
        }
        return violations;
    }

    /** The response's schema as a schema document: the whole OpenAPI document, with a root $ref to the schema. */
    private Schema schemaAt(JsonNode response, String mediaType) {
        ObjectNode root = document.deepCopy();
        JsonNode schema = response.path("content").path(mediaType).path("schema");
        ObjectNode holder = root.putObject("x-checked");
        holder.set("schema", schema);
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$ref", "#/x-checked/schema");
        return registry.getSchema(root);
    }

    /** A node, its local {@code $ref} followed (responses and path items are shared under components). */
    private JsonNode resolve(JsonNode node) {
        JsonNode reference = node.path("$ref");
        return reference.isTextual() && reference.asText().startsWith("#")
                ? resolve(document.at(reference.asText().substring(1))) : node;
    }
}
