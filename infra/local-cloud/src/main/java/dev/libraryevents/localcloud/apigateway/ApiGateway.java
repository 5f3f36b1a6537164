package dev.libraryevents.localcloud.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.cognito.CognitoIdp;
import dev.libraryevents.localcloud.cognito.Jwt;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The template's REST API on localhost: its resource tree and methods ({@code ANY} and greedy {@code {proxy+}}
 * resources included, the most specific match first), their Cognito authorizer ({@link CognitoIdp} checks the
 * token; its claims go to the function), the Lambda proxy event v1 it sends, and API Gateway's own answers: the
 * template's gateway responses for a missing or refused token (401) and for a path or method with no route, a 502
 * when the function fails, a 504 when it times out, and a problem+json 400 for a request it cannot parse (bad
 * percent-encoding, a {@code Content-Length} that is not a number), as API Gateway answers those before any
 * function. Served by Jetty, whose error handler, unlike the JDK server's fixed text/html, can answer a malformed
 * request in that format.
 */
public final class ApiGateway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GREEDY = "+}";
    private static final long IDLE_CONNECTION_MILLIS = 10 * 60 * 1000;
    private static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT",
            "PATCH", "DELETE", "OPTIONS");

    /** A {@code COGNITO_USER_POOLS} authorizer: the header its token comes in and the pools it trusts. */
    private record Authorizer(String header, List<String> poolArns) {}

    /** One of the gateway's own answers ({@code AWS::ApiGateway::GatewayResponse}, or API Gateway's default). */
    private record GatewayAnswer(int status, String contentType, String body, Map<String, String> headers) {}

    /** @param authorizer null for a method anyone may call */
    private record Route(String method, String resourcePath, List<String> template, LocalFunction function,
                         String functionArn, Authorizer authorizer, Map<String, Boolean> permitted) {

        /** Literal segments before {parameters} before {greedy+}, position by position: API Gateway's precedence. */
        int rank(int position) {
            String segment = position < template.size() ? template.get(position) : "";
            return segment.endsWith(GREEDY) ? 2 : segment.startsWith("{") ? 1 : 0;
        }
    }

    private static final Comparator<Route> MOST_SPECIFIC_FIRST = (a, b) -> {
        for (int i = 0; i < Math.max(a.template.size(), b.template.size()); i++) {
            int order = Integer.compare(a.rank(i), b.rank(i));
            if (order != 0) {
                return order;
            }
        }
        return Boolean.compare(a.method.equals("ANY"), b.method.equals("ANY"));
    };

    private final List<Route> routes = new ArrayList<>();
    /** What an integration may invoke: a function, or one of its versions or aliases. */
    private static final Set<String> INVOCABLE = Set.of("AWS::Lambda::Function", "AWS::Lambda::Version",
            "AWS::Lambda::Alias");

    private final Iam iam;
    private final CognitoIdp cognito;
    private final String restApiId;
    private final Server server;
    private final String stage;
    /** By response type; API Gateway's defaults unless the template has its own. */
    private final Map<String, GatewayAnswer> gatewayAnswers = new HashMap<>(Map.of(
            "MISSING_AUTHENTICATION_TOKEN", new GatewayAnswer(403, "application/json",
                    "{\"message\":\"Missing Authentication Token\"}", Map.of()),
            "UNAUTHORIZED", new GatewayAnswer(401, "application/json", "{\"message\":\"Unauthorized\"}", Map.of())));

    public ApiGateway(CloudTemplate template, Map<String, LocalFunction> functions, Iam iam, CognitoIdp cognito,
               String host, int port) throws Exception {
        this.iam = iam;
        this.cognito = cognito;
        this.restApiId = template.ofType("AWS::ApiGateway::RestApi").keySet().stream().findFirst().orElse("local");
        for (Map.Entry<String, JsonNode> method : template.ofType("AWS::ApiGateway::Method").entrySet()) {
            JsonNode properties = method.getValue();
            String resourcePath = path(template, properties.path("ResourceId").path("Ref").asText());
            String targetId = invokedBy(template, properties.path("Integration").path("Uri"));
            routes.add(new Route(properties.path("HttpMethod").asText(), resourcePath.isEmpty() ? "/" : resourcePath,
                    segments(resourcePath), functions.get(template.functionBehind(targetId)),
                    template.invocationArn(targetId),
                    authorizer(template, properties), new ConcurrentHashMap<>()));
        }
        routes.sort(MOST_SPECIFIC_FIRST);
        for (JsonNode response : template.ofType("AWS::ApiGateway::GatewayResponse").values()) {
            Map<String, String> headers = new HashMap<>();
            response.path("ResponseParameters").fields().forEachRemaining(parameter -> {
                if (parameter.getKey().startsWith("gatewayresponse.header.")) {
                    // Static values only ('text'): the ones this stack uses.
                    headers.put(parameter.getKey().substring("gatewayresponse.header.".length()),
                            parameter.getValue().asText().replaceAll("^'|'$", ""));
                }
            });
            String type = response.path("ResponseType").asText();
            GatewayAnswer standard = gatewayAnswers.getOrDefault(type, new GatewayAnswer(500, "application/json",
                    "{\"message\":null}", Map.of()));
            gatewayAnswers.put(type, new GatewayAnswer(response.path("StatusCode").asInt(standard.status()),
                    headers.getOrDefault("Content-Type", "application/json"),
                    response.path("ResponseTemplates").path("application/json").asText(standard.body()), headers));
        }
        stage = template.ofType("AWS::ApiGateway::Stage").values().stream()
                .map(s -> s.path("StageName").asText()).findFirst().orElse("local");
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("api");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        // Jetty closes a keep-alive connection idle for 30 s by default; a client that reuses it at that moment
        // (java.net.http keeps them 20 minutes) has its request fail with a broken pipe. Idle connections are cheap.
        connector.setIdleTimeout(IDLE_CONNECTION_MILLIS);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                ApiGateway.this.handle(request, response, callback);
                return true;
            }
        });
        server.setErrorHandler((request, response, callback) -> {
            Object status = request.getAttribute(ErrorHandler.ERROR_STATUS);
            // Jetty drops the connection after a request it could not parse (a NUL in the path, say) but says so
            // only when its own error page answers; without the header a client reuses the connection and its next
            // request gets no answer at all.
            answer(response, callback, status instanceof Integer code && code >= 400 ? code : 400,
                    "application/problem+json", malformedRequest(status instanceof Integer code ? code : 400),
                    Map.of(HttpHeader.CONNECTION.asString(), HttpHeaderValue.CLOSE.asString()));
            return true;
        });
        server.start();
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    private void handle(Request request, Response response, Callback callback) {
        try {
            // Read whole before any answer: a body left unread makes Jetty drop the connection after the answer,
            // and a client that reuses it finds it closed.
            byte[] body = BufferUtil.toArray(Content.Source.asByteBuffer(request));
            String path = request.getHttpURI().getPath();
            String method = request.getMethod();
            // Parsed before routing and authorizing, as API Gateway does: a bad query is a 400 for anyone.
            Query query = query(request.getHttpURI().getQuery());
            Map<String, String> parameters = new HashMap<>();
            Route route = null;
            for (Route candidate : routes) {
                if ((candidate.method.equals(method) || candidate.method.equals("ANY"))
                        && bind(candidate.template, segments(path), parameters)) {
                    route = candidate;
                    break;
                }
            }
            if (route == null) {
                answer(response, callback, gatewayAnswers.get("MISSING_AUTHENTICATION_TOKEN"));
                return;
            }
            Map<String, String> claims = null;
            if (route.authorizer != null) {
                claims = authorize(route.authorizer, request.getHeaders().get(route.authorizer.header));
                if (claims == null) {
                    answer(response, callback, gatewayAnswers.get("UNAUTHORIZED"));
                    return;
                }
            }
            if (!permitted(route, method)) {
                // What API Gateway answers when the function's resource policy does not let it invoke.
                answer(response, callback, 500, "application/json",
                        "{\"message\": \"Internal server error\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            String event = event(request, route, method, path, parameters, query, body, claims);
            LocalFunction.Result result = route.function.invoke(event).get();
            switch (result.outcome()) {
                case TIMEOUT -> answer(response, callback, 504, "application/json",
                        "{\"message\": \"Endpoint request timed out\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                case ERROR -> answer(response, callback, 502, "application/json",
                        "{\"message\": \"Internal server error\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                default -> proxyResponse(response, callback, method, result.body());
            }
        } catch (IllegalArgumentException badEncoding) {
            answer(response, callback, 400, "application/problem+json", malformedRequest(400), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (Exception e) {
            answer(response, callback, 502, "application/json",
                    "{\"message\": \"Internal server error\"}".getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    /**
     * What API Gateway's Cognito authorizer does: the token (bare, or after {@code Bearer }) must be an ID token one
     * of the authorizer's pools signed, for one of its app clients, not expired. Null when refused; the reason goes
     * to the local cloud's log only, as AWS tells the client no more than 401.
     */
    private Map<String, String> authorize(Authorizer authorizer, String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : header.strip();
        try {
            return cognito.verifyIdToken(token, authorizer.poolArns);
        } catch (Jwt.Refused refused) {
            Log.info("API Gateway: 401, " + refused.getMessage());
            return null;
        }
    }

    /** The method's {@code COGNITO_USER_POOLS} authorizer, or null when it has none. */
    private static Authorizer authorizer(CloudTemplate template, JsonNode method) {
        if (!method.path("AuthorizationType").asText("NONE").equals("COGNITO_USER_POOLS")) {
            return null;
        }
        JsonNode authorizer = template.properties(method.path("AuthorizerId").path("Ref").asText());
        String source = authorizer.path("IdentitySource").asText("method.request.header.Authorization");
        List<String> pools = new ArrayList<>();
        authorizer.path("ProviderARNs").forEach(arn -> pools.add(template.resolve(arn)));
        return new Authorizer(source.substring(source.lastIndexOf('.') + 1), pools);
    }

    /**
     * Whether the function's {@code AWS::Lambda::Permission}s let the gateway invoke it for this route and method,
     * decided once per route and method on a path that stands for the route's ({x} and {x+} as one segment).
     */
    private boolean permitted(Route route, String method) {
        // Any token is a method to HTTP: an unusual one is checked under one name, so that the decisions stay few.
        String known = HTTP_METHODS.contains(method) ? method : "OTHER";
        return route.permitted.computeIfAbsent(known, m -> {
            String path = route.resourcePath.replaceAll("\\{[^}]+}", "x");
            return iam.checkService("apigateway.amazonaws.com", "lambda:InvokeFunction", route.functionArn,
                    CloudTemplate.executeApiArn(restApiId, stage, m, path)) == null;
        });
    }

    /** What the gateway says of a request it could not parse: problem+json, like every other answer here. */
    private static byte[] malformedRequest(int status) {
        ObjectNode problem = JSON.createObjectNode().put("type", "urn:problem:bad-request").put("title", "Bad request")
                .put("status", status)
                .put("detail", "the request is not well-formed HTTP (its path, query or headers)");
        return problem.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void proxyResponse(Response response, Callback callback, String method, String body) {
        JsonNode proxied;
        try {
            proxied = JSON.readTree(body);
        } catch (IOException e) {
            proxied = null;
        }
        if (proxied == null || !proxied.path("statusCode").canConvertToInt()) {
            answer(response, callback, 502, "application/json",
                    "{\"message\": \"Internal server error\"}".getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        Map<String, String> headers = new HashMap<>();
        proxied.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        String text = proxied.path("body").asText("");
        byte[] bytes = method.equals("HEAD") ? new byte[0] : proxied.path("isBase64Encoded").asBoolean()
                ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        answer(response, callback, proxied.path("statusCode").asInt(),
                headers.getOrDefault("Content-Type", "application/json"), bytes, headers);
    }

    /** The query string decoded, once with the last value of each name and once with all of them. */
    private record Query(ObjectNode single, ObjectNode multi) {}

    private static Query query(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        ObjectNode single = JSON.createObjectNode();
        ObjectNode multi = JSON.createObjectNode();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            String key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            single.put(key, value);
            multi.withArray(key).add(value);
        }
        return new Query(single, multi);
    }

    /**
     * @param query  null when the request has none
     * @param claims the ID token's claims when the method has an authorizer, else null
     */
    private String event(Request request, Route route, String method, String path, Map<String, String> parameters,
                         Query query, byte[] body, Map<String, String> claims) {
        ObjectNode event = JSON.createObjectNode()
                .put("resource", route.resourcePath)
                .put("path", path)
                .put("httpMethod", method);
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        for (HttpField header : request.getHeaders()) {
            headers.put(header.getName(), header.getValue());
            multiHeaders.withArray(header.getName()).add(header.getValue());
        }
        if (query == null) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            event.set("queryStringParameters", query.single());
            event.set("multiValueQueryStringParameters", query.multi());
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
                .put("httpMethod", method)
                .put("path", "/" + stage + path)
                .put("stage", stage)
                .put("requestId", UUID.randomUUID().toString())
                .put("requestTimeEpoch", System.currentTimeMillis())
                .put("accountId", CloudTemplate.ACCOUNT)
                .put("apiId", "local")
                .put("protocol", request.getConnectionMetaData().getProtocol());
        context.putObject("identity").put("sourceIp", Request.getRemoteAddr(request));
        if (claims != null) {
            ObjectNode passed = context.putObject("authorizer").putObject("claims");
            claims.forEach(passed::put);
        }
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

    private static void answer(Response response, Callback callback, GatewayAnswer answer) {
        answer(response, callback, answer.status(), answer.contentType(),
                answer.body().getBytes(StandardCharsets.UTF_8), answer.headers());
    }

    private static void answer(Response response, Callback callback, int status, String contentType, byte[] body,
                               Map<String, String> headers) {
        response.setStatus(status);
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static boolean bind(List<String> template, List<String> segments, Map<String, String> parameters) {
        parameters.clear();
        boolean greedy = !template.isEmpty() && template.get(template.size() - 1).endsWith(GREEDY);
        if (greedy ? segments.size() < template.size() : template.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            if (expected.endsWith(GREEDY)) {
                List<String> rest = new ArrayList<>();
                segments.subList(i, segments.size())
                        .forEach(s -> rest.add(URLDecoder.decode(s, StandardCharsets.UTF_8)));
                parameters.put(expected.substring(1, expected.length() - GREEDY.length()), String.join("/", rest));
                return true;
            }
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

    /** The function, version or alias whose ARN the integration URI is built from. */
    private static String invokedBy(CloudTemplate template, JsonNode uri) {
        String referenced = uri.has("Fn::GetAtt") ? uri.get("Fn::GetAtt").get(0).asText()
                : uri.has("Ref") ? uri.get("Ref").asText() : null;
        if (referenced != null && INVOCABLE.contains(template.typeOf(referenced))) {
            return referenced;
        }
        for (JsonNode child : uri) {
            String found = invokedBy(template, child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
