package dev.libraryevents.localcloud.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.events.EventBridgeEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import dev.libraryevents.ops.DeadLetters;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The operator's console, at {@code /_console/} on the AWS endpoint: a page (plain HTML and JS from the jar's
 * {@code console/} resources) and the JSON it reads. Queues, dead letters and the bus go through the AWS endpoint
 * as an administrator, with the same SQS and EventBridge calls as {@code bin/ops} ({@link DeadLetters}); functions,
 * logs, the bus archive and the metrics the functions log (EMF) are the local cloud's own, as CloudWatch and the
 * Lambda console show them on AWS. A request that changes something is a POST with the header
 * {@code X-Console: 1}, which a page of another origin cannot send without a preflight this server never grants.
 */
public final class Console implements HttpHandler, AutoCloseable {

    public static final String PATH = "/_console/";
    private static final Map<String, String> CONTENT_TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");
    private static final int LOG_LINES = 200;
    private static final int BUS_ENTRIES = 50;

    private final LocalCloud cloud;
    private final EventBridgeEmulator bus;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final Tables tables;
    private final EventBridgeClient events;
    private final DeadLetters deadLetters;
    private final EmfMetrics emf;

    public Console(LocalCloud cloud, EventBridgeEmulator bus) {
        this.bus = bus;
        this.cloud = cloud;
        sqs = cloud.administrator(SqsClient.builder());
        dynamoDb = cloud.administrator(DynamoDbClient.builder());
        tables = new Tables(dynamoDb);
        events = cloud.administrator(EventBridgeClient.builder());
        deadLetters = new DeadLetters(sqs, events);
        emf = new EmfMetrics(cloud.hooks().logDirectory());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PATH.length());
            String method = exchange.getRequestMethod();
            try {
                if (path.startsWith("api/")) {
                    if (method.equals("POST") && !"1".equals(exchange.getRequestHeaders().getFirst("X-Console"))) {
                        json(exchange, 403, error("a change needs the header X-Console: 1"));
                        return;
                    }
                    JsonNode answer = api(method, path.substring(4), query(exchange.getRequestURI()));
                    json(exchange, answer == null ? 404 : 200, answer == null ? error("no such console call: "
                            + method + " " + path) : answer);
                } else {
                    resource(exchange, path.isEmpty() ? "index.html" : path);
                }
            } catch (IllegalArgumentException e) {
                json(exchange, 400, error(e.getMessage()));
            } catch (Exception e) {
                json(exchange, 500, error(String.valueOf(e.getMessage())));
            }
        }
    }

    private JsonNode api(String method, String path, Map<String, String> query) throws Exception {
        String[] parts = path.split("/");
        return switch (method + " " + parts[0]) {
            case "GET queues" -> parts.length == 1 ? queues() : parts.length == 3 && parts[2].equals("messages")
                    ? messages(parts[1]) : null;
            case "POST queues" -> parts.length == 3 && parts[2].equals("redrive")
                    ? CloudTemplate.JSON.createObjectNode().put("task", deadLetters.redrive(parts[1]))
                    : parts.length == 3 && parts[2].equals("purge")
                    ? CloudTemplate.JSON.createObjectNode().put("purged", deadLetters.purge(parts[1])) : null;
            case "GET functions" -> parts.length == 1 ? functions() : parts.length == 3 && parts[2].equals("logs")
                    ? logs(parts[1], query.getOrDefault("correlationId", "")) : null;
            case "GET bus" -> bus();
            case "POST bus" -> parts.length == 2 && parts[1].equals("replay") ? replay(query) : null;
            case "GET trace" -> parts.length == 2 ? trace(parts[1]) : null;
            case "GET tables" -> parts.length == 1 ? tables.names() : tables.items(parts[1],
                    query.getOrDefault("prefix", ""));
            case "GET metrics" -> metrics();
            default -> null;
        };
    }

    /**
     * Every queue: depth visible and in flight, and its role: a consumer's queue (it has a redrive policy), a
     * dead-letter queue (naming the queues it takes failures from), or another place failures go (a relay's
     * on-failure destination, a schedule's DLQ). Only the last two are looked into: receiving from a consumer's
     * queue, even to look, counts towards its messages' receives. SQS reports no message's age but as CloudWatch's
     * ApproximateAgeOfOldestMessage; for a consumer's queue the console shows instead how old the events its
     * consumer took last were (its EventAge metric): how far behind it runs.
     */
    private JsonNode queues() throws IOException {
        Map<String, DeadLetters.DeadLetterQueue> dlqs = new HashMap<>();
        deadLetters.list().forEach(dlq -> dlqs.put(dlq.name(), dlq));
        Map<String, Long> eventAges = emf.latestEventAges(cloud.hooks().functionNames());
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        for (String url : sqs.listQueues().queueUrls()) {
            String name = url.substring(url.lastIndexOf('/') + 1);
            var attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.REDRIVE_POLICY)).attributes();
            String role = dlqs.containsKey(name) ? "dead-letter"
                    : attributes.containsKey(QueueAttributeName.REDRIVE_POLICY) ? "consumer" : "failures";
            ObjectNode queue = list.addObject().put("name", name)
                    .put("visible", Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)))
                    .put("inFlight", Long.parseLong(attributes.get(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)))
                    .put("role", role);
            int consumer = name.indexOf("ConsumerQueue");
            if (consumer > 0) {
                queue.put("lastEventAgeMs", eventAges.get(name.substring(0, consumer).toLowerCase(Locale.ROOT)));
            }
            ArrayNode sources = queue.putArray("sources");
            if (dlqs.containsKey(name)) {
                dlqs.get(name).sources().forEach(sources::add);
            }
        }
        return list;
    }

    /** Up to ten messages of a queue, left in it (received with a zero visibility timeout, as bin/ops shows them). */
    private JsonNode messages(String queue) {
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        for (DeadLetters.Letter letter : deadLetters.show(queue)) {
            list.addObject().put("messageId", letter.messageId()).put("eventType", letter.eventType())
                    .put("eventId", letter.eventId()).put("correlationId", letter.correlationId())
                    .put("receiveCount", letter.receiveCount())
                    .put("firstReceived", letter.firstReceived() == null ? null : letter.firstReceived().toString())
                    .put("sent", letter.sent() == null ? null : letter.sent().toString())
                    .put("body", letter.body());
        }
        return list;
    }

    /** Each function: its environments' init durations, invocations and errors so far, and what it is doing now. */
    private JsonNode functions() {
        Map<String, Double> counters = cloud.hooks().metering().snapshot();
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        cloud.hooks().initDurations().forEach((name, init) -> {
            ObjectNode function = list.addObject().put("name", name)
                    .put("invocations", counters.getOrDefault("lambda.invocations|" + name, 0.0).longValue())
                    .put("errors", counters.getOrDefault("lambda.errors|" + name, 0.0).longValue())
                    .put("state", cloud.hooks().functionState(name));
            ArrayNode durations = function.putArray("initDurationsMs");
            init.forEach(durations::add);
        });
        return list;
    }

    /** The function's latest log lines, or the latest that contain a correlation id. */
    private JsonNode logs(String function, String correlationId) throws IOException {
        if (!cloud.hooks().functionNames().contains(function)) {
            throw new IllegalArgumentException("no function " + function);
        }
        Path log = cloud.hooks().logDirectory().resolve(function + ".log");
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        List<String> kept = lines.stream().filter(line -> line.contains(correlationId)).toList();
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        kept.subList(Math.max(0, kept.size() - LOG_LINES), kept.size()).forEach(list::add);
        return list;
    }

    /** The bus's latest entries, newest first, with the rules each matched. */
    private JsonNode bus() throws Exception {
        List<JsonNode> recent = bus.recentEvents(BUS_ENTRIES);
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        for (int i = recent.size() - 1; i >= 0; i--) {
            JsonNode entry = recent.get(i);
            JsonNode event = entry.path("event");
            JsonNode detail = event.path("detail");
            ObjectNode row = list.addObject().put("time", event.path("time").asText())
                    .put("bus", entry.path("bus").asText()).put("detailType", event.path("detail-type").asText())
                    .put("source", event.path("source").asText()).put("eventId", detail.path("eventId").asText())
                    .put("correlationId", detail.path("correlationId").asText());
            ArrayNode rules = row.putArray("rules");
            bus.rulesMatching(entry.path("bus").asText(), event.toString()).forEach(rules::add);
        }
        return list;
    }

    /** Puts the archived events of [from, to] on the bus again, through EventBridge's StartReplay. */
    private JsonNode replay(Map<String, String> query) {
        Instant from = Instant.parse(required(query, "from"));
        Instant to = Instant.parse(required(query, "to"));
        return CloudTemplate.JSON.createObjectNode().put("replay",
                deadLetters.replay(required(query, "bus"), from, to));
    }

    /**
     * A request's causal chain: every archived event with its correlation id, in the order they occurred, each
     * with the event that caused it, its actor, and how long after the first it occurred.
     */
    private JsonNode trace(String correlationId) throws IOException {
        Map<String, JsonNode> byId = new TreeMap<>();
        for (JsonNode event : cloud.hooks().archivedEvents()) {
            JsonNode detail = event.path("detail");
            if (correlationId.equals(detail.path("correlationId").asText())) {
                byId.putIfAbsent(detail.path("eventId").asText(), detail); // a replay or a resend: once
            }
        }
        List<JsonNode> chain = new ArrayList<>(byId.values());
        chain.sort(Comparator.comparing(detail -> detail.path("occurredAt").asText()));
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        Instant first = chain.isEmpty() ? null : Instant.parse(chain.get(0).path("occurredAt").asText());
        for (JsonNode detail : chain) {
            Instant at = Instant.parse(detail.path("occurredAt").asText());
            list.addObject().put("eventId", detail.path("eventId").asText())
                    .put("eventType", detail.path("eventType").asText())
                    .put("source", detail.path("source").asText())
                    .put("aggregate", detail.path("aggregateType").asText() + " " + detail.path("aggregateId").asText())
                    .put("causationId", detail.path("causationId").asText(null))
                    .put("actor", detail.path("actor").path("role").asText("")
                            + (detail.path("actor").has("sub") ? " " + detail.path("actor").path("sub").asText() : ""))
                    .put("occurredAt", at.toString())
                    .put("afterFirstMs", at.toEpochMilli() - first.toEpochMilli());
        }
        return list;
    }

    /** The functions' EMF lines, per metric and dimensions, per minute: a sum for counts, the largest value else. */
    private JsonNode metrics() throws IOException {
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        emf.series(cloud.hooks().functionNames()).forEach((name, points) -> {
            ArrayNode values = list.addObject().put("name", name).putArray("points");
            points.forEach((minute, value) -> values.addArray().add(minute).add(value));
        });
        return list;
    }

    private void resource(HttpExchange exchange, String name) throws IOException {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        InputStream in = name.contains("..") || !CONTENT_TYPES.containsKey(extension) ? null
                : Console.class.getResourceAsStream("/console/" + name);
        if (in == null) {
            AwsEndpoint.respond(exchange, 404, "text/plain", "not found");
            return;
        }
        try (in) {
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'");
            AwsEndpoint.respond(exchange, 200, CONTENT_TYPES.get(extension),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static String required(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the parameter " + name + " is required");
        }
        return value;
    }

    private static ObjectNode error(String message) {
        return CloudTemplate.JSON.createObjectNode().put("message", message);
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        AwsEndpoint.respond(exchange, status, "application/json", body.toString());
    }

    @Override
    public void close() {
        sqs.close();
        dynamoDb.close();
        events.close();
    }
}
