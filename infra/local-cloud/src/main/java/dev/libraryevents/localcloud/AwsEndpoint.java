package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one AWS endpoint of the local cloud, for the functions and for anyone's SDK or AWS CLI
 * ({@code AWS_ENDPOINT_URL}): it tells the services apart by their protocol, forwarding DynamoDB (and its streams)
 * to DynamoDB Local and SQS to ElasticMQ, and answering EventBridge itself. Paths under {@code /_localcloud/} are
 * the local cloud's own operations.
 */
final class AwsEndpoint implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
    private static final Set<String> CAPACITY_READS = Set.of("GetItem", "Query", "Scan", "BatchGetItem",
            "TransactGetItems");

    private static final Set<String> UNFORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI dynamoDb;
    private final URI sqs;
    private final EventBridgeEmulator events;
    private final Metering metering;
    private final String host;

    AwsEndpoint(String host, int port, URI dynamoDb, URI sqs, EventBridgeEmulator events, Metering metering,
                HttpHandler operations) throws IOException {
        this.metering = metering;
        this.host = host;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.events = events;
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newFixedThreadPool(32, LocalCloud.daemonThreads("http")));
        server.createContext("/_localcloud/", operations);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://" + LocalCloud.reachable(host) + ":" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body = exchange.getRequestBody().readAllBytes();
            String caller = caller(exchange);
            String service = target == null ? "SQS" : target.substring(0, target.indexOf('.') + 1)
                    .replaceAll("_\\d+|\\.$", "").replace("AWSEvents", "EventBridge").replace("AmazonSQS", "SQS");
            String operation = target == null ? "Query" : target.substring(target.indexOf('.') + 1);
            metering.add("request|" + caller + "|" + service + "." + operation, 1);
            if (target != null && target.startsWith("AWSEvents.")) {
                eventBridge(exchange, target, new String(body, StandardCharsets.UTF_8), caller);
            } else if (service.equals("DynamoDB")) {
                dynamoDb(exchange, caller, operation, body);
            } else {
                forward(exchange, target != null && target.startsWith("DynamoDB") ? dynamoDb : sqs, body);
            }
        }
    }

    /** Functions call with their logical id as access key; anyone else with whatever key they like. */
    private static String caller(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher credential = CREDENTIAL.matcher(authorization == null ? "" : authorization);
        return credential.find() ? credential.group(1) : "anonymous";
    }

    /**
     * Forwards to DynamoDB Local and meters the request; a read that does not ask for its consumed capacity is made
     * to, so that it can be counted.
     */
    private void dynamoDb(HttpExchange exchange, String caller, String operation, byte[] body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            forward(exchange, dynamoDb, body);
            return;
        }
        boolean read = CAPACITY_READS.contains(operation);
        if (read && request instanceof ObjectNode object && !object.has("ReturnConsumedCapacity")) {
            body = JSON.writeValueAsBytes(object.put("ReturnConsumedCapacity", "TOTAL"));
        }
        byte[] answer = forward(exchange, dynamoDb, body);
        JsonNode response = null;
        if (read && answer.length > 0) {
            try {
                response = JSON.readTree(answer);
            } catch (IOException e) {
                // not a DynamoDB answer: nothing to count
            }
        }
        metering.dynamoDb(caller, operation, request, response);
    }

    private void eventBridge(HttpExchange exchange, String target, String body, String caller) throws IOException {
        try {
            respond(exchange, 200, target.equals("AWSEvents.PutEvents") ? events.putEvents(body, caller)
                    : events.operation(target, body));
        } catch (EventBridgeEmulator.ValidationError e) {
            respond(exchange, 400, error("ValidationException", e.getMessage()));
        } catch (EventBridgeEmulator.AccessDenied e) {
            respond(exchange, 400, error("AccessDeniedException", e.getMessage()));
        } catch (Exception e) {
            respond(exchange, 400, error("SerializationException", "malformed request"));
        }
    }

    /** An error in the AWS JSON protocols' shape. */
    private static String error(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("message", message).toString();
    }

    /** Sends the request on as it came and its answer back; returns the answer's body. */
    private byte[] forward(HttpExchange exchange, URI backend, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!UNFORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
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

    static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
