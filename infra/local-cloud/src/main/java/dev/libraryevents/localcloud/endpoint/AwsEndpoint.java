package dev.libraryevents.localcloud.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.libraryevents.localcloud.cloudformation.CloudFormationApi;
import dev.libraryevents.localcloud.cognito.CognitoIdp;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.common.Ports;
import dev.libraryevents.localcloud.common.Threads;
import dev.libraryevents.localcloud.dynamodb.DynamoDbEmulator;
import dev.libraryevents.localcloud.events.EventBridgeApi;
import dev.libraryevents.localcloud.hooks.Faults;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.kms.KmsEmulator;
import dev.libraryevents.localcloud.lambda.LambdaApi;
import dev.libraryevents.localcloud.s3.S3Emulator;
import dev.libraryevents.localcloud.sqs.SqsEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one AWS endpoint of the local cloud, for the functions and for anyone's SDK or AWS CLI
 * ({@code AWS_ENDPOINT_URL} or {@code --endpoint-url}). It tells the services apart by the request's signing scope
 * and protocol (JSON's {@code X-Amz-Target}, Lambda's REST paths, the query protocol's {@code Action}), checks a
 * function's call against its role ({@link Iam}), and hands it to the service: DynamoDB (and its streams) and SQS
 * forwarded to DynamoDB Local, ElasticMQ and s3proxy, EventBridge, Lambda, CloudFormation, Cognito and KMS answered here (with the
 * {@link Faults} asked for, if any). Paths under
 * {@code /_localcloud/} are the local cloud's own operations. Each protocol gets its own errors, an unknown
 * operation included.
 */
public final class AwsEndpoint implements AutoCloseable {

    /** The services behind the endpoint, and the policies their callers are held to. */
    public record Services(DynamoDbEmulator dynamoDb, SqsEmulator sqs, EventBridgeApi events, LambdaApi lambda,
                    CloudFormationApi cloudFormation, CognitoIdp cognito, KmsEmulator kms, S3Emulator s3,
                    HttpHandler admin, Iam iam,
                    Metering metering, Faults faults) {}

    /** A request as a service adapter sees it: who signed it and what it carries. */
    public record Call(HttpExchange exchange, String caller, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The query protocol's parameters, from the form body and the URL's query. */
        public Map<String, String> parameters() {
            Map<String, String> parameters = new HashMap<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String form : new String[] {query, text()}) {
                if (form == null || form.isEmpty()) {
                    continue;
                }
                for (String pair : form.split("&")) {
                    String[] kv = pair.split("=", 2);
                    parameters.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
                }
            }
            return parameters;
        }

        static String decode(String text) {
            try {
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return text;
            }
        }
    }

    private static final ObjectMapper JSON = CloudTemplate.JSON;
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]+/[^/]+/([^/]+)/");
    private static final Set<String> CAPACITY_READS = Set.of("GetItem", "Query", "Scan", "BatchGetItem",
            "TransactGetItems");
    private static final Set<String> UNFORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");
    static final String SQS_NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";
    static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String host;
    private Services services;

    /** Binds the port at once, so that the services can name the endpoint (SQS's queue URLs); serves later. */
    public AwsEndpoint(String host, int port) throws IOException {
        this.host = host;
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newFixedThreadPool(32, Threads.daemon("http")));
    }

    public void serve(Services services) {
        this.services = services;
        server.createContext("/_localcloud/", services.admin());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://" + Ports.reachable(host) + ":" + server.getAddress().getPort());
    }

    /** Serves a path of its own beside the AWS APIs (the console). */
    public void serve(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Matcher credential = CREDENTIAL.matcher(String.valueOf(exchange.getRequestHeaders()
                    .getFirst("Authorization")));
            boolean signed = credential.find();
            String caller = signed ? credential.group(1) : "anonymous";
            String signingService = signed ? credential.group(2) : "";
            Call call = new Call(exchange, caller, exchange.getRequestBody().readAllBytes());
            try {
                if (target == null && !signed && services.cognito().serveWellKnown(call)) {
                    return; // a pool's JWKS or OpenID configuration: public, unsigned GETs
                }
                String rawQuery = exchange.getRequestURI().getRawQuery();
                if (target != null) {
                    json(call, target);
                } else if (signingService.equals("s3") || (rawQuery != null
                        && rawQuery.contains("X-Amz-Credential=") && rawQuery.contains("%2Fs3%2F"))) {
                    s3(call);
                } else if (exchange.getRequestURI().getPath().startsWith("/2015-03-31/")
                        || signingService.equals("lambda")) {
                    services.lambda().handle(call);
                } else if (signingService.equals("cloudformation") || (signingService.isEmpty()
                        && CloudFormationApi.ACTIONS.contains(call.parameters().get("Action")))) {
                    services.cloudFormation().handle(call);
                } else {
                    sqsQuery(call);
                }
            } catch (RuntimeException e) {
                Log.info("AWS endpoint: " + e);
                respondJson(exchange, 500, error("InternalFailure", "the local cloud failed: " + e.getMessage()));
            }
        }
    }

    /** The AWS JSON protocols: DynamoDB, DynamoDB Streams, EventBridge, SQS's newer protocol, Cognito, KMS. */
    private void json(Call call, String target) throws IOException {
        int dot = target.indexOf('.');
        String prefix = dot < 0 ? target : target.substring(0, dot);
        String operation = target.substring(dot + 1);
        String service = prefix.replaceAll("_\\d+$", "").replace("AWSEvents", "EventBridge")
                .replace("AmazonSQS", "SQS").replace(CognitoIdp.TARGET_PREFIX, "Cognito")
                .replace(KmsEmulator.TARGET_PREFIX, "KMS");
        services.metering().add("request|" + call.caller() + "|" + service + "." + operation, 1);
        switch (prefix) {
            case "DynamoDB_20120810", "DynamoDBStreams_20120810" -> dynamoDb(call, operation);
            case "AWSEvents" -> services.events().handle(call, operation);
            case CognitoIdp.TARGET_PREFIX -> services.cognito().handle(call, operation);
            case KmsEmulator.TARGET_PREFIX -> services.kms().handle(call, operation);
            case "AmazonSQS" -> {
                JsonNode request = readJson(call.body());
                String denial = services.iam().check(call.caller(), "sqs:" + operation,
                        SqsEmulator.queueArn(request.path("QueueUrl").asText(request.path("QueueName").asText("*"))),
                        Map.of());
                if (denial != null) {
                    respondJson(call.exchange(), 400, error("AccessDeniedException", denial));
                } else {
                    forward(call, services.sqs().endpoint());
                }
            }
            default -> respondJson(call.exchange(), 400, error("UnknownOperationException",
                    "The local cloud does not know the operation " + target));
        }
    }

    /**
     * Forwards to DynamoDB Local and meters the request; a read that does not ask for its consumed capacity is made
     * to, so that it can be counted. A function's call is first checked item by item, as IAM checks it.
     */
    private void dynamoDb(Call call, String operation) throws IOException {
        JsonNode request = readJson(call.body());
        for (Map.Entry<String, String> action : DynamoDbEmulator.authorizedActions(operation, request)) {
            String denial = services.iam().check(call.caller(), action.getKey(), action.getValue(), Map.of());
            if (denial != null) {
                respondJson(call.exchange(), 400, error("AccessDeniedException", denial));
                return;
            }
        }
        if (services.faults().throttles(call.caller())) {
            respondJson(call.exchange(), 400, error(Faults.THROTTLED, Faults.THROTTLED_MESSAGE));
            return;
        }
        byte[] body = call.body();
        boolean read = CAPACITY_READS.contains(operation);
        if (read && request instanceof ObjectNode object && !object.has("ReturnConsumedCapacity")) {
            body = JSON.writeValueAsBytes(object.put("ReturnConsumedCapacity", "TOTAL"));
        }
        byte[] answer = forward(new Call(call.exchange(), call.caller(), body), services.dynamoDb().endpoint());
        JsonNode response = read && answer.length > 0 ? readJson(answer) : null;
        services.metering().dynamoDb(call.caller(), operation, request, response);
    }

    /**
     * S3 (path style, signed or presigned): checked against the caller's role, a presigned URL by whose credentials
     * signed it and for its expiry, then forwarded to s3proxy.
     */
    private void s3(Call call) throws IOException {
        HttpExchange exchange = call.exchange();
        Map<String, String> query = queryParameters(exchange.getRequestURI().getRawQuery());
        String presigner = query.get("X-Amz-Credential");
        String caller = presigner == null ? call.caller()
                : presigner.substring(0, Math.max(0, presigner.indexOf('/')));
        S3Emulator.Access access = S3Emulator.access(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
        services.metering().add("request|" + caller + "|S3." + access.action().substring("s3:".length()), 1);
        String refusal = services.iam().check(caller, access.action(), access.resource(), Map.of());
        if (refusal == null) {
            refusal = services.s3().expired(query);
        }
        if (refusal != null) {
            respond(exchange, 403, "application/xml", Xml.document("Error", S3_NAMESPACE)
                    .element("Code", "AccessDenied").element("Message", refusal)
                    .element("RequestId", UUID.randomUUID().toString()).finish());
            return;
        }
        // s3proxy 3 knows neither the SDK's flexible checksums nor its default upload, aws-chunked with a trailing
        // checksum, nor session tokens: the body goes on as plain bytes, without the headers that announce them
        // (the caller was checked above).
        boolean chunked = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-content-sha256"))
                .startsWith("STREAMING-");
        forward(chunked ? new Call(exchange, caller, S3Emulator.dechunk(call.body())) : call,
                services.s3().endpoint(), header -> header.startsWith("x-amz-checksum-")
                        || header.equals("x-amz-security-token")
                        || header.startsWith("x-amz-sdk-checksum-") || header.equals("x-amz-trailer")
                        || (chunked && (header.equals("content-encoding") || header.equals("x-amz-content-sha256")
                                || header.equals("x-amz-decoded-content-length"))));
    }

    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                parameters.put(Call.decode(kv[0]), kv.length > 1 ? Call.decode(kv[1]) : "");
            }
        }
        return parameters;
    }

    /** SQS's query protocol (the AWS CLI's): checked, then forwarded to ElasticMQ. */
    private void sqsQuery(Call call) throws IOException {
        Map<String, String> parameters = call.parameters();
        String action = parameters.getOrDefault("Action", "");
        services.metering().add("request|" + call.caller() + "|SQS." + action, 1);
        String queue = parameters.getOrDefault("QueueUrl", parameters.getOrDefault("QueueName", "*"));
        String denial = services.iam().check(call.caller(), "sqs:" + action, SqsEmulator.queueArn(queue), Map.of());
        if (denial != null) {
            respondXml(call.exchange(), 403, queryError(SQS_NAMESPACE, "AccessDenied", denial));
            return;
        }
        forward(call, services.sqs().endpoint());
    }

    /** The body as JSON; a missing node when it is not JSON at all. */
    public static JsonNode readJson(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode(); // the backend answers a malformed request in its own words
        }
    }

    /** An error in the AWS JSON protocols' shape. */
    public static String error(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("message", message).toString();
    }

    /** An error in the query protocols' shape (SQS, CloudFormation). */
    public static String queryError(String namespace, String code, String message) {
        return Xml.document("ErrorResponse", namespace).start("Error").element("Type", "Sender")
                .element("Code", code).element("Message", message).end()
                .element("RequestId", UUID.randomUUID().toString()).finish();
    }

    /** Sends the request on as it came and its answer back; returns the answer's body. */
    private byte[] forward(Call call, URI backend) throws IOException {
        return forward(call, backend, header -> false);
    }

    /** The same, without the request headers {@code dropped} names (lowercase). */
    private byte[] forward(Call call, URI backend, Predicate<String> dropped) throws IOException {
        HttpExchange exchange = call.exchange();
        HttpRequest.Builder request = HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lowercase = name.toLowerCase(Locale.ROOT);
            if (!UNFORWARDED.contains(lowercase) && !dropped.test(lowercase)) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new byte[0];
        }
        response.headers().map().forEach((name, values) -> {
            if (!UNFORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
        });
        byte[] bytes = response.body();
        exchange.sendResponseHeaders(response.statusCode(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        return bytes;
    }

    public static void respondJson(HttpExchange exchange, int status, String json) throws IOException {
        respond(exchange, status, "application/x-amz-json-1.1", json);
    }

    public static void respondXml(HttpExchange exchange, int status, String xml) throws IOException {
        respond(exchange, status, "text/xml", xml);
    }

    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
