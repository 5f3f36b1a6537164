package dev.libraryevents.localcloud.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.esm.EventSourceMapping;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's REST-JSON API for the template's functions and event source mappings: Invoke (RequestResponse, Event,
 * DryRun), ListFunctions, GetFunction, Get/UpdateFunctionConfiguration (Environment, Timeout, MemorySize), and
 * List/Get/UpdateEventSourceMapping (Enabled, BatchSize). What the AWS CLI and SDK send, answered in their format.
 */
public final class LambdaApi {

    private static final Pattern FUNCTION_PATH =
            Pattern.compile("/2015-03-31/functions/([^/]+)(/configuration|/invocations)?/?");
    private static final Pattern MAPPING_PATH = Pattern.compile("/2015-03-31/event-source-mappings/?([^/]*)");
    private static final DateTimeFormatter LAST_MODIFIED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    private final CloudTemplate template;
    private final Map<String, LocalFunction> functions;
    private final Collection<EventSourceMapping> mappings;
    private final Map<String, Instant> lastModified = new java.util.concurrent.ConcurrentHashMap<>();
    private final Instant started = Instant.now();

    public LambdaApi(CloudTemplate template, Map<String, LocalFunction> functions, Collection<EventSourceMapping> mappings) {
        this.template = template;
        this.functions = functions;
        this.mappings = mappings;
    }

    public void handle(AwsEndpoint.Call call) throws IOException {
        HttpExchange exchange = call.exchange();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Matcher function = FUNCTION_PATH.matcher(path);
        Matcher mapping = MAPPING_PATH.matcher(path);
        try {
            if (path.equals("/2015-03-31/functions") || path.equals("/2015-03-31/functions/")) {
                authorize(call, "ListFunctions", "*");
                listFunctions(exchange);
            } else if (function.matches()) {
                String name = functionName(function.group(1));
                String part = function.group(2) == null ? "" : function.group(2);
                switch (method + " " + part) {
                    case "GET " -> {
                        authorize(call, "GetFunction", arn(name));
                        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
                        answer.set("Configuration", configuration(name));
                        answer.putObject("Code").put("RepositoryType", "S3")
                                .put("Location", functions.get(name).jar().toUri().toString());
                        json(exchange, 200, answer);
                    }
                    case "GET /configuration" -> {
                        authorize(call, "GetFunctionConfiguration", arn(name));
                        json(exchange, 200, configuration(name));
                    }
                    case "PUT /configuration" -> {
                        authorize(call, "UpdateFunctionConfiguration", arn(name));
                        json(exchange, 200, updateConfiguration(name, CloudTemplate.JSON.readTree(call.body())));
                    }
                    case "POST /invocations" -> {
                        authorize(call, "InvokeFunction", arn(name));
                        invoke(exchange, name, call.body());
                    }
                    default -> unknown(exchange, method, path);
                }
            } else if (mapping.matches()) {
                String uuid = mapping.group(1);
                if (uuid.isEmpty() && method.equals("GET")) {
                    authorize(call, "ListEventSourceMappings", "*");
                    listMappings(exchange, call.parameters());
                } else if (!uuid.isEmpty() && (method.equals("GET") || method.equals("PUT"))) {
                    EventSourceMapping found = mappings.stream().filter(m -> m.uuid().equals(uuid)).findFirst()
                            .orElseThrow(() -> new NotFound("The resource you requested does not exist."));
                    String mappingArn = CloudTemplate.arn("lambda", "event-source-mapping:" + uuid);
                    if (method.equals("GET")) {
                        authorize(call, "GetEventSourceMapping", mappingArn);
                        json(exchange, 200, found.describe());
                    } else {
                        authorize(call, "UpdateEventSourceMapping", mappingArn);
                        JsonNode update = CloudTemplate.JSON.readTree(call.body());
                        Integer batchSize = update.has("BatchSize") ? update.path("BatchSize").asInt() : null;
                        String refused = batchSize == null ? null : found.refusedBatchSize(batchSize);
                        if (refused != null) {
                            throw new InvalidParameter(refused);
                        }
                        found.update(update.has("Enabled") ? update.path("Enabled").asBoolean() : null, batchSize);
                        Log.info("event source mapping " + found.logicalId() + ": "
                                + (found.enabled() ? "enabled" : "disabled") + ", batch size " + found.batchSize());
                        json(exchange, 202, found.describe());
                    }
                } else {
                    unknown(exchange, method, path);
                }
            } else {
                unknown(exchange, method, path);
            }
        } catch (NotFound e) {
            error(exchange, 404, "ResourceNotFoundException", e.getMessage());
        } catch (InvalidParameter e) {
            error(exchange, 400, "InvalidParameterValueException", e.getMessage());
        } catch (IOException e) {
            error(exchange, 400, "InvalidRequestContentException", "Could not parse request body into json");
        }
    }

    private void listFunctions(HttpExchange exchange) throws IOException {
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode list = answer.putArray("Functions");
        for (String name : functions.keySet()) {
            list.add(configuration(name));
        }
        json(exchange, 200, answer);
    }

    private void listMappings(HttpExchange exchange, Map<String, String> parameters) throws IOException {
        String function = parameters.containsKey("FunctionName") ? functionName(parameters.get("FunctionName"))
                : null;
        String source = parameters.get("EventSourceArn");
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode list = answer.putArray("EventSourceMappings");
        mappings.stream().filter(m -> function == null || m.functionName().equals(function))
                .filter(m -> source == null || m.sourceArn().equals(source))
                .forEach(m -> list.add(m.describe()));
        json(exchange, 200, answer);
    }

    private ObjectNode configuration(String name) {
        LocalFunction function = functions.get(name);
        JsonNode properties = template.properties(name);
        ObjectNode configuration = CloudTemplate.JSON.createObjectNode()
                .put("FunctionName", name)
                .put("FunctionArn", arn(name))
                .put("Runtime", properties.path("Runtime").asText())
                .put("Role", template.resolve(properties.path("Role")))
                .put("Handler", function.handler())
                .put("CodeSize", size(function))
                .put("Description", properties.path("Description").asText(""))
                .put("Timeout", function.timeout().toSeconds())
                .put("MemorySize", function.memoryMb())
                .put("LastModified", LAST_MODIFIED.format(lastModified.getOrDefault(name, started)))
                .put("Version", "$LATEST")
                .put("State", "Active")
                .put("LastUpdateStatus", "Successful")
                .put("PackageType", "Zip");
        ObjectNode variables = configuration.putObject("Environment").putObject("Variables");
        new java.util.TreeMap<>(function.variables()).forEach(variables::put);
        ArrayNode architectures = configuration.putArray("Architectures");
        properties.path("Architectures").forEach(architectures::add);
        if (architectures.isEmpty()) {
            architectures.add("x86_64");
        }
        configuration.putObject("LoggingConfig")
                .put("LogFormat", properties.path("LoggingConfig").path("LogFormat").asText("Text"));
        return configuration;
    }

    private ObjectNode updateConfiguration(String name, JsonNode update) {
        Map<String, String> variables = null;
        if (update.has("Environment")) {
            JsonNode given = update.path("Environment").path("Variables");
            if (!given.isObject() && !given.isMissingNode()) {
                throw new InvalidParameter("Environment.Variables must be a map of strings");
            }
            variables = new LinkedHashMap<>();
            for (var variable : (Iterable<Map.Entry<String, JsonNode>>) given::fields) {
                if (!variable.getValue().isTextual()) {
                    throw new InvalidParameter("the value of " + variable.getKey() + " must be a string");
                }
                variables.put(variable.getKey(), variable.getValue().asText());
            }
        }
        Integer timeout = update.has("Timeout") ? update.path("Timeout").asInt() : null;
        if (timeout != null && (timeout < 1 || timeout > 900)) {
            throw new InvalidParameter("Timeout must be between 1 and 900 seconds");
        }
        Integer memory = update.has("MemorySize") ? update.path("MemorySize").asInt() : null;
        if (memory != null && (memory < 128 || memory > 10_240)) {
            throw new InvalidParameter("MemorySize must be between 128 and 10240 MB");
        }
        functions.get(name).configure(variables, timeout == null ? null : Duration.ofSeconds(timeout), memory);
        lastModified.put(name, Instant.now());
        Log.info("function " + name + " reconfigured");
        return configuration(name);
    }

    private void invoke(HttpExchange exchange, String name, byte[] payload) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
        LocalFunction function = functions.get(name);
        String body = payload.length == 0 ? "{}" : new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        switch (type == null ? "RequestResponse" : type) {
            case "DryRun" -> AwsEndpoint.respond(exchange, 204, "application/json", "");
            case "Event" -> {
                function.invoke(body).thenAccept(result -> {
                    if (result.outcome() != LocalFunction.Outcome.SUCCESS) {
                        Log.info("asynchronous invocation of " + name + " failed: " + result.body());
                    }
                });
                AwsEndpoint.respond(exchange, 202, "application/json", "");
            }
            case "RequestResponse" -> {
                LocalFunction.Result result;
                try {
                    result = function.invoke(body).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException(e);
                }
                exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
                if (result.outcome() != LocalFunction.Outcome.SUCCESS) {
                    exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
                }
                AwsEndpoint.respond(exchange, 200, "application/json", result.body());
            }
            default -> throw new InvalidParameter("InvocationType must be RequestResponse, Event or DryRun");
        }
    }

    /** A function's name from its name, ARN or partial ARN (with or without a qualifier). */
    private String functionName(String given) {
        String name = CloudTemplate.functionName(given);
        if (!functions.containsKey(name)) {
            throw new NotFound("Function not found: " + arn(name));
        }
        return name;
    }

    private static void authorize(AwsEndpoint.Call call, String action, String resource) {
        call.authorize("lambda:" + action, resource);
    }

    private static String arn(String name) {
        return CloudTemplate.arn("lambda", "function:" + name);
    }

    private static long size(LocalFunction function) {
        try {
            return Files.size(function.jar());
        } catch (IOException e) {
            return 0;
        }
    }

    private static void unknown(HttpExchange exchange, String method, String path) throws IOException {
        error(exchange, 404, "UnknownOperationException", "Unknown operation " + method + " " + path);
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        AwsEndpoint.respond(exchange, status, "application/json", body.toString());
    }

    /** REST-JSON's error: the type in a header, the message in the body. */
    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
        AwsEndpoint.respond(exchange, status, "application/json", CloudTemplate.JSON.createObjectNode()
                .put("Type", "User").put("message", message).toString());
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    private static final class InvalidParameter extends RuntimeException {
        InvalidParameter(String message) {
            super(message);
        }
    }
}
