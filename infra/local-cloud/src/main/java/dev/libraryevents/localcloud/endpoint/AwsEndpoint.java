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
import dev.libraryevents.localcloud.dynamodb.TableWrites;
import dev.libraryevents.localcloud.events.EventBridgeApi;
import dev.libraryevents.localcloud.hooks.Faults;
import dev.libraryevents.localcloud.kms.KmsEmulator;
import dev.libraryevents.localcloud.lambda.LambdaApi;
import dev.libraryevents.localcloud.s3.S3Emulator;
import dev.libraryevents.localcloud.sqs.SqsEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one AWS endpoint of the local cloud, for the functions and for anyone's SDK or AWS CLI
 * ({@code AWS_ENDPOINT_URL} or {@code --endpoint-url}). It tells the services apart by the request's signing scope
 * and protocol (JSON's {@code X-Amz-Target}, Lambda's REST paths, the query protocol's {@code Action}) and hands
 * the call to its service: DynamoDB (and its streams), SQS and S3 are forwarded to DynamoDB Local, ElasticMQ and
 * s3proxy; EventBridge, Lambda, CloudFormation, Cognito and KMS are answered here. Every call passes the one
 * {@link Gate}: metered, held to the caller's role, met with the faults chaos asked for; a refusal is answered here,
 * in each protocol's words. Paths under {@code /_localcloud/} are the local cloud's own operations.
 */
public final class AwsEndpoint implements AutoCloseable {

    /** The services behind the endpoint, and the gate their callers pass. */
    public record Services(DynamoDbEmulator dynamoDb, SqsEmulator sqs, EventBridgeApi events, LambdaApi lambda,
                    CloudFormationApi cloudFormation, CognitoIdp cognito, KmsEmulator kms, S3Emulator s3,
                    HttpHandler admin, Gate gate) {}

    /** A request as a service adapter sees it: who signed it, what it carries, and the gate it must pass. */
    public record Call(HttpExchange exchange, String caller, byte[] body, Gate gate) {

        /** Refuses the call ({@link Gate.AccessDenied}) unless the caller may do {@code action} on {@code resource}. */
        public void authorize(String action, String resource) {
            gate.authorize(caller, action, resource);
        }

        Call withBody(byte[] replaced) {
            return new Call(exchange, caller, replaced, gate);
        }

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

    private static final ObjectMapper JSON_MAPPER = CloudTemplate.JSON;
    private static final Pattern LAMBDA_OPERATION = Pattern.compile("^/[^/]+/([^/]+).*");
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/[^/]+/[^/]+/([^/]+)/");
    private static final Set<String> CAPACITY_READS = Set.of("GetItem", "Query", "Scan", "BatchGetItem",
            "TransactGetItems");
    static final String SQS_NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";
    static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

    private final HttpServer server;
    private final Forwarder forwarder = new Forwarder();
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
            Call call = new Call(exchange, caller, exchange.getRequestBody().readAllBytes(), services.gate());
            if (target == null && !signed && services.cognito().serveWellKnown(call)) {
                return; // a pool's JWKS or OpenID configuration: public, unsigned GETs
            }
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Protocol protocol;
            if (target != null) {
                protocol = Protocol.JSON;
            } else if (signingService.equals("s3") || (rawQuery != null
                    && rawQuery.contains("X-Amz-Credential=") && rawQuery.contains("%2Fs3%2F"))) {
                protocol = Protocol.S3;
            } else if (exchange.getRequestURI().getPath().startsWith("/2015-03-31/")
                    || signingService.equals("lambda")) {
                protocol = Protocol.LAMBDA;
            } else if (signingService.equals("cloudformation") || (signingService.isEmpty()
                    && CloudFormationApi.ACTIONS.contains(call.parameters().get("Action")))) {
                protocol = Protocol.CLOUDFORMATION;
            } else {
                protocol = Protocol.SQS_QUERY;
            }
            try {
                switch (protocol) {
                    case JSON -> json(call, target);
                    case S3 -> s3(call);
                    case LAMBDA -> {
                        services.gate().meter(caller, "Lambda", exchange.getRequestMethod() + " "
                                + LAMBDA_OPERATION.matcher(exchange.getRequestURI().getPath()).replaceFirst("$1"));
                        services.lambda().handle(call);
                    }
                    case CLOUDFORMATION -> {
                        services.gate().meter(caller, "CloudFormation", call.parameters().getOrDefault("Action", ""));
                        services.cloudFormation().handle(call);
                    }
                    case SQS_QUERY -> sqsQuery(call);
                }
            } catch (Gate.AccessDenied e) {
                protocol.deny(exchange, e.getMessage());
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
        services.gate().meter(call.caller(), service, operation);
        switch (prefix) {
            case "DynamoDB_20120810", "DynamoDBStreams_20120810" -> dynamoDb(call, operation);
            case "AWSEvents" -> services.events().handle(call, operation);
            case CognitoIdp.TARGET_PREFIX -> services.cognito().handle(call, operation);
            case KmsEmulator.TARGET_PREFIX -> services.kms().handle(call, operation);
            case "AmazonSQS" -> {
                JsonNode request = readJson(call.body());
                call.authorize("sqs:" + operation, SqsEmulator.queueArn(
                        request.path("QueueUrl").asText(request.path("QueueName").asText("*"))));
                forwarder.forward(call, services.sqs().endpoint());
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
        List<Map.Entry<String, String>> actions = DynamoDbEmulator.authorizedActions(operation, request);
        for (Map.Entry<String, String> action : actions) {
            call.authorize(action.getKey(), action.getValue());
        }
        if (services.gate().throttles(call.caller())) {
            respondJson(call.exchange(), 400, error(Faults.THROTTLED, Faults.THROTTLED_MESSAGE));
            return;
        }
        byte[] body = call.body();
        boolean read = CAPACITY_READS.contains(operation);
        if (read && request instanceof ObjectNode object && !object.has("ReturnConsumedCapacity")) {
            body = JSON_MAPPER.writeValueAsBytes(object.put("ReturnConsumedCapacity", "TOTAL"));
        }
        byte[] answer = forwarder.forward(call.withBody(body), services.dynamoDb().endpoint());
        services.dynamoDb().writes().wrote(TableWrites.written(actions));
        JsonNode response = read && answer.length > 0 ? readJson(answer) : null;
        services.gate().metering().dynamoDb(call.caller(), operation, request, response);
    }

    /**
     * S3 (path style, signed or presigned): checked against the caller's role, a presigned URL by whose credentials
     * signed it and for its expiry, then forwarded to s3proxy.
     */
    private void s3(Call signed) throws IOException {
        HttpExchange exchange = signed.exchange();
        Map<String, String> query = queryParameters(exchange.getRequestURI().getRawQuery());
        String presigner = query.get("X-Amz-Credential");
        Call call = presigner == null ? signed : new Call(exchange,
                presigner.substring(0, Math.max(0, presigner.indexOf('/'))), signed.body(), signed.gate());
        S3Emulator.Access access = S3Emulator.access(exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath());
        services.gate().meter(call.caller(), "S3", access.action().substring("s3:".length()));
        call.authorize(access.action(), access.resource());
        String expired = services.s3().expired(query);
        if (expired != null) {
            Protocol.S3.deny(exchange, expired);
            return;
        }
        // s3proxy 3 knows neither the SDK's flexible checksums nor its default upload, aws-chunked with a trailing
        // checksum, nor session tokens: the body goes on as plain bytes, without the headers that announce them
        // (the caller was checked above).
        boolean chunked = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-content-sha256"))
                .startsWith("STREAMING-");
        forwarder.forward(chunked ? call.withBody(S3Emulator.dechunk(call.body())) : call,
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
        services.gate().meter(call.caller(), "SQS", action);
        String queue = parameters.getOrDefault("QueueUrl", parameters.getOrDefault("QueueName", "*"));
        call.authorize("sqs:" + action, SqsEmulator.queueArn(queue));
        forwarder.forward(call, services.sqs().endpoint());
    }

    /** The body as JSON; a missing node when it is not JSON at all. */
    public static JsonNode readJson(byte[] body) {
        try {
            return JSON_MAPPER.readTree(body);
        } catch (IOException e) {
            return JSON_MAPPER.missingNode(); // the backend answers a malformed request in its own words
        }
    }

    /** An error in the AWS JSON protocols' shape. */
    public static String error(String type, String message) {
        return JSON_MAPPER.createObjectNode().put("__type", type).put("message", message).toString();
    }

    /** An error in the query protocols' shape (SQS, CloudFormation). */
    public static String queryError(String namespace, String code, String message) {
        return Xml.document("ErrorResponse", namespace).start("Error").element("Type", "Sender")
                .element("Code", code).element("Message", message).end()
                .element("RequestId", UUID.randomUUID().toString()).finish();
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
