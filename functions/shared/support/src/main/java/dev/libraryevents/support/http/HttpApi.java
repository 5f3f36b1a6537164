package dev.libraryevents.support.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.auth.AccessPolicy;
import dev.libraryevents.support.auth.Caller;
import dev.libraryevents.support.http.idempotency.IdempotencyKey;
import dev.libraryevents.support.http.idempotency.Receipt;
import dev.libraryevents.support.http.idempotency.RecordedAnswers;
import dev.libraryevents.support.logging.Log;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The API Gateway (REST API, proxy integration) adapter every service's API function shares: correlation ids,
 * body limits, the caller and what they may do ({@link AccessPolicy}), routing, and the mapping of every failure to
 * problem+json. A client can never cause a 500: what it
 * sends is either routed and validated or answered with a 4xx problem; only a fault of ours is a 500, logged, and
 * never with a stack trace in the response.
 */
public final class HttpApi {

    /** docs/design.md §4: a body over 64 KiB is refused with 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

    private static final int MAX_ID_LENGTH = 128;
    private static final Problem UNAUTHORIZED = Problem.of(401, "unauthorized", "Unauthorized",
            "sign in and send your ID token: Authorization: Bearer <token>");
    private static final ObjectMapper JSON = EventCodec.shared().mapper();

    private final Router router;
    /** Each route's rule, looked up once: the constructor refuses a route the policy does not know. */
    private final Map<Router.Route, AccessPolicy.Rule> rules = new IdentityHashMap<>();
    /** Where keyed writes' answers are recorded (docs/design.md §4e); null for an API without writes. */
    private final RecordedAnswers answers;
    /** What a replayed body goes through: the same opening of sealed fields the first answer had. */
    private final UnaryOperator<JsonNode> replayed;

    /** @throws IllegalStateException when a route has no rule in {@link AccessPolicy}, or a rule's owner is unknown */
    public HttpApi(Router router) {
        this(router, null, UnaryOperator.identity());
    }

    /**
     * An API whose POSTs and DELETEs take an {@code Idempotency-Key}: their routes record each keyed answer through
     * the request's {@link Receipt}, in the transaction of the change it answers.
     *
     * @param replayed what a recorded body goes through before it is answered again (recorded bodies hold
     *                 personal data sealed, as the table does)
     */
    public HttpApi(Router router, RecordedAnswers answers, UnaryOperator<JsonNode> replayed) {
        this.answers = answers;
        this.replayed = replayed;
        for (Router.Route route : router.routes()) {
            AccessPolicy.Rule rule = AccessPolicy.rule(route.method(), route.template()).orElseThrow(() ->
                    new IllegalStateException(route.method() + " " + route.template() + " is not in AccessPolicy"));
            if (rule.hasOwner() && route.owner() == null) {
                throw new IllegalStateException(route.method() + " " + route.template() + " is " + rule
                        + " but does not say whose resource it is");
            }
            rules.put(route, rule);
        }
        this.router = router;
    }

    public APIGatewayProxyResponseEvent handle(APIGatewayProxyRequestEvent event) {
        String correlationId = CorrelationIds.acceptOrCreate(header(event, CorrelationIds.HEADER));
        try {
            // On AWS the gateway's authorizer refuses an unsigned request first; this holds wherever it did not run.
            Optional<Caller> caller = Caller.fromClaims(claims(event));
            if (caller.isEmpty()) {
                throw new ProblemException(UNAUTHORIZED);
            }
            String body = body(event);
            if (body != null && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
                throw new ProblemException(Problem.of(413, "payload-too-large", "Payload too large",
                        "the body must be at most " + MAX_BODY_BYTES + " bytes"));
            }
            String method = event.getHttpMethod() == null ? "" : event.getHttpMethod().toUpperCase(Locale.ROOT);
            boolean head = method.equals("HEAD"); // answered as GET, without the body
            String path = event.getPath();
            Router.Match match = router.match(head ? "GET" : method, path).orElse(null);
            if (match == null) {
                return noRoute(method, path, correlationId);
            }
            for (Map.Entry<String, String> parameter : match.pathParameters().entrySet()) {
                if (!isPlausibleId(parameter.getValue())) {
                    // Echoed only as far as it is text JSON can carry (Problem bounds the length).
                    throw new ProblemException(Problem.notFound(parameter.getKey() + " "
                            + (Text.isWellFormed(parameter.getValue()) ? parameter.getValue() : "(not text)")));
                }
            }
            ApiRequest request = new ApiRequest(head ? "GET" : method, path, match.pathParameters(),
                    orEmpty(event.getQueryStringParameters()), header(event, "Content-Type"), body, correlationId,
                    caller.get(), null);
            authorize(match, request);
            String key = keyOf(event, method);
            ApiResponse response = key == null ? match.route().handler().handle(request)
                    : keyed(match.route().handler(), request, key);
            return respond(response.status(), "application/json", head ? "" : response.body().toString(),
                    correlationId, response.headers());
        } catch (ProblemException e) {
            Map<String, String> headers = new HashMap<>(e.headers());
            if (e.problem().status() == 401) {
                headers.put("WWW-Authenticate", "Bearer");
            }
            return problem(e.problem(), correlationId, headers);
        } catch (RuntimeException e) {
            if (e instanceof SdkServiceException service && service.isThrottlingException()) {
                // DynamoDB throttled us past the SDK's retries: nothing was written, and a retry soon may pass.
                Log.warn("throttled in " + event.getHttpMethod() + " " + event.getPath()).correlationId(correlationId)
                        .error(e).write();
                return problem(Problem.of(503, "busy", "Service busy",
                        "the service is over its capacity for the moment; retry the request"), correlationId,
                        Map.of("Retry-After", "1"));
            }
            logUnexpected(event, correlationId, e);
            return problem(Problem.of(500, "internal-error", "Internal error",
                    "the request failed on our side; quote the correlation id " + correlationId), correlationId,
                    Map.of());
        }
    }

    /** The write's {@code Idempotency-Key}, validated; null when it has none, or the API keeps no answers. */
    private String keyOf(APIGatewayProxyRequestEvent event, String method) {
        if (answers == null || !(method.equals("POST") || method.equals("DELETE"))) {
            return null;
        }
        List<String> several = multiValued(event, IdempotencyKey.HEADER);
        if (several.size() > 1) {
            throw new ProblemException(Problem.validationFailed(List.of(new Problem.FieldError(IdempotencyKey.HEADER,
                    "send one key, not " + several.size()))));
        }
        String key = header(event, IdempotencyKey.HEADER);
        return key == null ? null : IdempotencyKey.validated(key);
    }

    /**
     * A keyed write (docs/design.md §4e): the answer recorded under the key, if there is one, and nothing done;
     * else the route runs, and its answer is recorded with the change it makes (the route's transaction carries
     * the receipt's item) or, when it made none, alone. Whichever of two concurrent repeats records first is the
     * answer to both: the other's transaction or put is cancelled by the record, and it replays it. A 5xx is not
     * recorded, so that a retry may still succeed.
     */
    private ApiResponse keyed(Router.Handler handler, ApiRequest request, String key) {
        Receipt receipt = answers.receipt(request.caller().sub(), request.method(), request.path(), key,
                request.body());
        Optional<RecordedAnswers.Recorded> earlier = answers.find(receipt);
        if (earlier.isPresent()) {
            return replay(receipt, earlier.get());
        }
        ApiResponse answer;
        try {
            answer = handler.handle(request.withReceipt(receipt));
        } catch (ProblemException refused) {
            if (refused.problem().status() >= 500) {
                throw refused;
            }
            answer = new ApiResponse(refused.problem().status(), problemJson(refused.problem()), Map.of());
        } catch (Receipt.AlreadyAnswered raced) {
            return replayRecorded(receipt);
        }
        if (answer.status() >= 500 || receipt.isCommitted() || answers.recordAlone(receipt, answer)) {
            return contentTyped(answer);
        }
        return replayRecorded(receipt);
    }

    private ApiResponse replayRecorded(Receipt receipt) {
        return replay(receipt, answers.find(receipt).orElseThrow(() -> new ProblemException(Problem.of(409,
                "request-in-progress", "Request in progress", "a request with this Idempotency-Key is in progress;"
                        + " retry it in a moment")).withHeader("Retry-After", "1")));
    }

    /** The recorded answer again, if the body is the one it answered; another body under the same key is a 422. */
    private ApiResponse replay(Receipt receipt, RecordedAnswers.Recorded recorded) {
        if (!recorded.answers(receipt)) {
            throw new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency key reused",
                    "this Idempotency-Key was sent before with another body; send a new key for a new request"));
        }
        Map<String, String> headers = new HashMap<>();
        headers.put(IdempotencyKey.REPLAYED_HEADER, "true");
        if (recorded.location() != null) {
            headers.put("Location", recorded.location());
        }
        return contentTyped(new ApiResponse(recorded.status(), replayed.apply(recorded.body()), headers));
    }

    /** A recorded problem goes out as problem+json, as it did the first time. */
    private static ApiResponse contentTyped(ApiResponse answer) {
        if (answer.status() < 400) {
            return answer;
        }
        Map<String, String> headers = new HashMap<>(answer.headers());
        headers.put("Content-Type", "application/problem+json");
        return new ApiResponse(answer.status(), answer.body(), headers);
    }

    /**
     * The §4a verdict: the owner is looked up only when it matters (a member on a route with one), so a librarian's
     * request costs no extra read.
     */
    private void authorize(Router.Match match, ApiRequest request) {
        Router.Route route = match.route();
        AccessPolicy.Rule rule = rules.get(route);
        Optional<String> owner = rule.hasOwner() && !request.caller().isLibrarian()
                ? route.owner().of(request) : Optional.empty();
        switch (AccessPolicy.decide(rule, Optional.of(request.caller()), owner)) {
            case ALLOW -> { }
            case UNAUTHORIZED -> throw new ProblemException(UNAUTHORIZED);
            case FORBIDDEN -> throw new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                    rule == AccessPolicy.Rule.LIBRARIANS ? "only librarians may " + route.method() + " "
                            + route.template() : "a member may do this only for themself"));
            // Worded as a missing resource is, so that a member cannot tell another's from none at all.
            case NOT_FOUND -> throw new ProblemException(Problem.notFound(lastParameter(match)));
        }
    }

    /** "borrowing 42" for /borrowings/{borrowingId}/return: the thing the path names. */
    private static String lastParameter(Router.Match match) {
        String[] segments = match.route().template().split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            if (segments[i].startsWith("{")) {
                String name = segments[i].substring(1, segments[i].length() - 1);
                return name.replaceFirst("Id$", "") + " " + match.pathParameters().get(name);
            }
        }
        return match.route().template();
    }

    /** {@code requestContext.authorizer.claims}, where API Gateway's Cognito authorizer puts the token's claims. */
    private static Map<?, ?> claims(APIGatewayProxyRequestEvent event) {
        if (event.getRequestContext() == null || event.getRequestContext().getAuthorizer() == null) {
            return null;
        }
        return event.getRequestContext().getAuthorizer().get("claims") instanceof Map<?, ?> claims ? claims : null;
    }

    /**
     * Every id here is a UUID or a correlation id (at most 128 characters); anything longer or not text cannot name a
     * thing, and must not reach a table (DynamoDB refuses keys over 2 KB, which would be our 500).
     */
    private static boolean isPlausibleId(String value) {
        return value.length() <= MAX_ID_LENGTH && Text.isWellFormed(value) && !Text.hasControlCharacters(value);
    }

    private APIGatewayProxyResponseEvent noRoute(String method, String path, String correlationId) {
        Set<String> allowed = new LinkedHashSet<>(router.allowedMethods(path));
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        if (allowed.isEmpty()) {
            return problem(Problem.of(404, "route-not-found", "Route not found",
                    "no route for " + method + " " + path), correlationId, Map.of());
        }
        return problem(Problem.of(405, "method-not-allowed", "Method not allowed",
                path + " accepts " + String.join(", ", allowed)), correlationId,
                Map.of("Allow", String.join(", ", allowed)));
    }

    private static APIGatewayProxyResponseEvent problem(Problem problem, String correlationId,
                                                        Map<String, String> headers) {
        return respond(problem.status(), "application/problem+json", problemJson(problem).toString(), correlationId,
                headers);
    }

    private static ObjectNode problemJson(Problem problem) {
        ObjectNode json = JSON.createObjectNode()
                .put("type", problem.type())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", problem.detail());
        if (!problem.errors().isEmpty()) {
            ArrayNode errors = json.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        return json;
    }

    private static APIGatewayProxyResponseEvent respond(int status, String contentType, String body,
                                                        String correlationId, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.putIfAbsent("Content-Type", contentType);
        headers.put(CorrelationIds.HEADER, correlationId);
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(headers).withBody(body);
    }

    /** The body as text, refused rather than silently altered when its bytes are not UTF-8. */
    private static String body(APIGatewayProxyRequestEvent event) {
        String body = event.getBody();
        if (body != null && !Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            if (!Text.isWellFormed(body)) {
                throw notUtf8();
            }
            return body;
        }
        if (body == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                    "the body is marked base64 but is not"));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw notUtf8();
        }
    }

    private static ProblemException notUtf8() {
        return new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                "the body is not valid UTF-8"));
    }

    /** Header names are case-insensitive; API Gateway passes them as the client spelled them. */
    static String header(APIGatewayProxyRequestEvent event, String name) {
        if (event.getHeaders() != null) {
            for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return header.getValue();
                }
            }
        }
        if (event.getMultiValueHeaders() != null) {
            for (Map.Entry<String, List<String>> header : event.getMultiValueHeaders().entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                    return header.getValue().get(0);
                }
            }
        }
        return null;
    }

    private static List<String> multiValued(APIGatewayProxyRequestEvent event, String name) {
        if (event.getMultiValueHeaders() != null) {
            for (Map.Entry<String, List<String>> header : event.getMultiValueHeaders().entrySet()) {
                if (header.getKey().equalsIgnoreCase(name) && header.getValue() != null) {
                    return header.getValue();
                }
            }
        }
        return List.of();
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static void logUnexpected(APIGatewayProxyRequestEvent event, String correlationId, RuntimeException e) {
        Log.error("unhandled error in " + event.getHttpMethod() + " " + event.getPath())
                .correlationId(correlationId).error(e).write();
    }
}
