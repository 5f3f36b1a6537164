package dev.libraryevents.localcloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * The one AWS endpoint of the local cloud, for the functions and for anyone's SDK or AWS CLI
 * ({@code AWS_ENDPOINT_URL}): it tells the services apart by their protocol, forwarding DynamoDB (and its streams)
 * to DynamoDB Local and SQS to ElasticMQ, and answering EventBridge itself. Paths under {@code /_localcloud/} are
 * the local cloud's own operations.
 */
final class AwsEndpoint implements AutoCloseable {

    private static final Set<String> UNFORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI dynamoDb;
    private final URI sqs;
    private final EventBridgeEmulator events;

    AwsEndpoint(int port, URI dynamoDb, URI sqs, EventBridgeEmulator events, HttpHandler operations)
            throws IOException {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.events = events;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(Executors.newFixedThreadPool(32, LocalCloud.daemonThreads("http")));
        server.createContext("/_localcloud/", operations);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (target != null && target.startsWith("AWSEvents.")) {
                eventBridge(exchange, target, new String(body, StandardCharsets.UTF_8));
            } else if (target != null && target.startsWith("DynamoDB")) {
                forward(exchange, dynamoDb, body);
            } else {
                forward(exchange, sqs, body);
            }
        }
    }

    private void eventBridge(HttpExchange exchange, String target, String body) throws IOException {
        try {
            respond(exchange, 200, target.equals("AWSEvents.PutEvents") ? events.putEvents(body)
                    : events.operation(target, body));
        } catch (EventBridgeEmulator.ValidationError e) {
            respond(exchange, 400, "{\"__type\":\"ValidationException\",\"message\":\"" + e.getMessage() + "\"}");
        } catch (Exception e) {
            respond(exchange, 400, "{\"__type\":\"SerializationException\",\"message\":\"malformed request\"}");
        }
    }

    private void forward(HttpExchange exchange, URI backend, byte[] body) throws IOException {
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
            return;
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
