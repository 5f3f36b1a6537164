package dev.libraryevents.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A loopback EventBridge endpoint that speaks PutEvents (AWS JSON 1.1) to the real SDK client, records every call
 * and entry, and can be told to fail entries as the real bus does (per entry, in a 200 response).
 */
public final class RecordingEventBridge implements AutoCloseable {

    /** One entry as the bus received it. */
    public record Entry(String eventBusName, String source, String detailType, String detail, boolean accepted) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<List<Entry>> calls = new ArrayList<>();
    private Predicate<JsonNode> failWhen = entry -> false;
    private int failuresLeft;

    public RecordingEventBridge() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Fails the next {@code times} entries that match, each with the bus's {@code InternalFailure} error code. */
    public synchronized void failEntries(Predicate<JsonNode> matching, int times) {
        this.failWhen = matching;
        this.failuresLeft = times;
    }

    public synchronized List<List<Entry>> calls() {
        return List.copyOf(calls);
    }

    /** The entries the bus accepted, in the order it accepted them. */
    public synchronized List<Entry> accepted() {
        return calls.stream().flatMap(List::stream).filter(Entry::accepted).toList();
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"AWSEvents.PutEvents".equals(target)) {
                respond(exchange, 400, JSON.createObjectNode().put("__type", "UnknownOperationException"));
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            List<Entry> call = new ArrayList<>();
            ObjectNode response = JSON.createObjectNode();
            ArrayNode results = response.putArray("Entries");
            int failed = 0;
            for (JsonNode entry : request.path("Entries")) {
                boolean malformed = !isJsonObject(entry.path("Detail").asText(""));
                boolean fail = malformed || failuresLeft > 0 && failWhen.test(entry);
                if (malformed) { // as EventBridge refuses it
                    failed++;
                    results.addObject().put("ErrorCode", "MalformedDetail").put("ErrorMessage", "Detail is malformed.");
                } else if (fail) {
                    failuresLeft--;
                    failed++;
                    results.addObject().put("ErrorCode", "InternalFailure").put("ErrorMessage", "injected by test");
                } else {
                    results.addObject().put("EventId", UUID.randomUUID().toString());
                }
                call.add(new Entry(entry.path("EventBusName").asText(null), entry.path("Source").asText(null),
                        entry.path("DetailType").asText(null), entry.path("Detail").asText(null), !fail));
            }
            response.put("FailedEntryCount", failed);
            calls.add(call);
            respond(exchange, 200, response);
        }
    }

    private static boolean isJsonObject(String text) {
        try {
            return JSON.readTree(text).isObject();
        } catch (IOException e) {
            return false;
        }
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
