package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;

/**
 * The template's REST API on localhost: its resource tree and methods, the Lambda proxy event v1 it sends, and
 * API Gateway's own answers: a 502 when the function fails, a 504 when it times out, and the template's gateway
 * response for a path or method with no route.
 */
final class ApiGateway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Route(String method, String resourcePath, List<String> template, LocalFunction function) {}

    private final List<Route> routes = new ArrayList<>();
    private final HttpServer server;
    private final String stage;
    private int noRouteStatus = 403;
    private String noRouteBody = "{\"message\":\"Missing Authentication Token\"}";
    private String noRouteContentType = "application/json";

    ApiGateway(CloudTemplate template, Map<String, LocalFunction> functions, int port) throws IOException {
        for (Map.Entry<String, JsonNode> method : template.ofType("AWS::ApiGateway::Method").entrySet()) {
            JsonNode properties = method.getValue();
            String resourcePath = path(template, properties.path("ResourceId").path("Ref").asText());
            String functionId = functionIn(template, properties.path("Integration").path("Uri"));
            routes.add(new Route(properties.path("HttpMethod").asText(), resourcePath.isEmpty() ? "/" : resourcePath,
                    segments(resourcePath), functions.get(functionId)));
        }
        for (JsonNode response : template.ofType("AWS::ApiGateway::GatewayResponse").values()) {
            if (response.path("ResponseType").asText().equals("MISSING_AUTHENTICATION_TOKEN")) {
                noRouteStatus = response.path("StatusCode").asInt(403);
                noRouteBody = response.path("ResponseTemplates").path("application/json").asText(noRouteBody);
                noRouteContentType = response.path("ResponseParameters")
                        .path("gatewayresponse.header.Content-Type").asText("'application/json'").replace("'", "");
            }
        }
        stage = template.ofType("AWS::ApiGateway::Stage").values().stream()
                .map(s -> s.path("StageName").asText()).findFirst().orElse("local");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(Executors.newFixedThreadPool(32, LocalCloud.daemonThreads("http")));
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            Map<String, String> parameters = new HashMap<>();
            Route route = routes.stream().filter(r -> r.method.equals(method)
                    && bind(r.template, segments(path), parameters)).findFirst().orElse(null);
            if (route == null) {
                send(exchange, noRouteStatus, noRouteContentType, noRouteBody.getBytes(StandardCharsets.UTF_8),
                        Map.of());
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            LocalFunction.Result result = route.function.invoke(event(exchange, route, path, parameters, body)).get();
            switch (result.outcome()) {
                case TIMEOUT -> send(exchange, 504, "application/json",
                        "{\"message\": \"Endpoint request timed out\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                case ERROR -> send(exchange, 502, "application/json",
                        "{\"message\": \"Internal server error\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                default -> proxyResponse(exchange, result.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            send(exchange, 502, "application/json",
                    "{\"message\": \"Internal server error\"}".getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    private void proxyResponse(HttpExchange exchange, String body) throws IOException {
        JsonNode response;
        try {
            response = JSON.readTree(body);
        } catch (IOException e) {
            response = null;
        }
        if (response == null || !response.path("statusCode").canConvertToInt()) {
            send(exchange, 502, "application/json",
                    "{\"message\": \"Internal server error\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        Map<String, String> headers = new HashMap<>();
        response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        String text = response.path("body").asText("");
        byte[] bytes = response.path("isBase64Encoded").asBoolean()
                ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        send(exchange, response.path("statusCode").asInt(), headers.getOrDefault("Content-Type", "application/json"),
                bytes, headers);
    }

    private String event(HttpExchange exchange, Route route, String path, Map<String, String> parameters,
                         byte[] body) {
        ObjectNode event = JSON.createObjectNode()
                .put("resource", route.resourcePath)
                .put("path", path)
                .put("httpMethod", route.method);
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        exchange.getRequestHeaders().forEach((name, values) -> {
            headers.put(name, values.get(values.size() - 1));
            values.forEach(multiHeaders.withArray(name)::add);
        });
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null || query.isEmpty()) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode single = event.putObject("queryStringParameters");
            ObjectNode multi = event.putObject("multiValueQueryStringParameters");
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                String key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
                String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                single.put(key, value);
                multi.withArray(key).add(value);
            }
        }
        if (parameters.isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode pathParameters = event.putObject("pathParameters");
            parameters.forEach(pathParameters::put);
        }
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext")
                .put("resourcePath", route.resourcePath)
                .put("httpMethod", route.method)
                .put("path", "/" + stage + path)
                .put("stage", stage)
                .put("requestId", UUID.randomUUID().toString())
                .put("requestTimeEpoch", System.currentTimeMillis())
                .put("accountId", CloudTemplate.ACCOUNT)
                .put("apiId", "local")
                .put("protocol", exchange.getProtocol());
        context.putObject("identity").put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        if (body.length == 0) {
            event.putNull("body");
            event.put("isBase64Encoded", false);
        } else if (isUtf8(body)) {
            event.put("body", new String(body, StandardCharsets.UTF_8));
            event.put("isBase64Encoded", false);
        } else {
            event.put("body", Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", true);
        }
        return event.toString();
    }

    /** API Gateway passes text bodies as they are and anything else base64-encoded. */
    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body,
                             Map<String, String> headers) throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static boolean bind(List<String> template, List<String> segments, Map<String, String> parameters) {
        parameters.clear();
        if (template.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            if (expected.startsWith("{") && expected.endsWith("}")) {
                parameters.put(expected.substring(1, expected.length() - 1),
                        URLDecoder.decode(segments.get(i), StandardCharsets.UTF_8));
            } else if (!expected.equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    private static String path(CloudTemplate template, String resourceId) {
        if (!template.typeOf(resourceId).equals("AWS::ApiGateway::Resource")) {
            return "";
        }
        JsonNode resource = template.properties(resourceId);
        return path(template, resource.path("ParentId").path("Ref").asText()) + "/"
                + resource.path("PathPart").asText();
    }

    /** The function whose ARN the integration URI is built from. */
    private static String functionIn(CloudTemplate template, JsonNode uri) {
        if (uri.has("Fn::GetAtt") && template.typeOf(uri.get("Fn::GetAtt").get(0).asText())
                .equals("AWS::Lambda::Function")) {
            return uri.get("Fn::GetAtt").get(0).asText();
        }
        for (JsonNode child : uri) {
            String found = functionIn(template, child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
