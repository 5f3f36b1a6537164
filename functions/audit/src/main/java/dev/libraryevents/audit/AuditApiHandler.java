package dev.libraryevents.audit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.ApiRequest;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.HttpApi;
import dev.libraryevents.support.http.Problem;
import dev.libraryevents.support.http.ProblemException;
import dev.libraryevents.support.http.Router;
import dev.libraryevents.support.http.StateJson;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code audit-api}: trails, state at an instant, snapshots and traces (DESIGN §4). */
public class AuditApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final HttpApi api;
    private final Clock clock;

    public AuditApiHandler() {
        this(AwsClients.dynamoDb(), AwsClients.requiredEnv("TABLE_NAME"));
    }

    private AuditApiHandler(DynamoDbClient dynamoDb, String table) {
        this(new AuditQueries(dynamoDb, table, EventCodec.shared()), dynamoDb, table, Clock.systemUTC());
    }

    public AuditApiHandler(AuditQueries queries, DynamoDbClient dynamoDb, String table, Clock clock) {
        super(APIGatewayProxyRequestEvent.class);
        this.clock = clock;
        Snapshots snapshots = new Snapshots(dynamoDb, table, queries, clock);
        Router router = new Router();
        entity(router, "books", "Book", queries, (id, at) -> queries.bookAt(id, at).map(StateJson::book));
        entity(router, "users", "User", queries, (id, at) -> queries.userAt(id, at).map(StateJson::user));
        entity(router, "borrowings", "Borrowing", queries,
                (id, at) -> queries.borrowingAt(id, at).map(StateJson::borrowing));
        router.post("/audit/snapshots", request -> {
            ObjectNode snapshot = snapshots.take();
            ObjectNode summary = JSON.objectNode().put("snapshotId", snapshot.get("snapshotId").asText())
                    .put("takenAt", snapshot.get("takenAt").asText());
            summary.set("counts", snapshot.get("counts"));
            return ApiResponse.created(summary, "/audit/snapshots/" + snapshot.get("snapshotId").asText());
        });
        router.get("/audit/snapshots/{snapshotId}", request -> ApiResponse.ok(found(
                snapshots.find(request.pathParameter("snapshotId")), "snapshot")));
        router.get("/traces/{correlationId}", request -> ApiResponse.ok(trace(queries,
                request.pathParameter("correlationId"))));
        this.api = new HttpApi(router);
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }

    private void entity(Router router, String path, String aggregateType, AuditQueries queries,
                        BiFunction<String, Instant, Optional<ObjectNode>> stateAt) {
        router.get("/audit/" + path + "/{id}", request -> {
            List<EventEnvelope> trail = queries.trail(aggregateType, request.pathParameter("id"));
            if (trail.isEmpty()) {
                throw new ProblemException(Problem.of(404, "not-found", "Not found", "no audit trail for "
                        + aggregateType.toLowerCase() + " " + request.pathParameter("id")));
            }
            return ApiResponse.ok(items(trail));
        });
        router.get("/audit/" + path + "/{id}/state", request -> ApiResponse.ok(found(
                stateAt.apply(request.pathParameter("id"), at(request)),
                aggregateType.toLowerCase() + " " + request.pathParameter("id") + " at that instant")));
    }

    private Instant at(ApiRequest request) {
        Optional<String> at = request.queryParameter("at");
        if (at.isEmpty()) {
            return clock.instant();
        }
        try {
            return OffsetDateTime.parse(at.get()).toInstant();
        } catch (DateTimeParseException e) {
            throw new ProblemException(Problem.validationFailed(List.of(new Problem.FieldError("at",
                    "must be an ISO-8601 instant with offset, e.g. 2026-11-22T10:00:00Z"))));
        }
    }

    private static JsonNode found(Optional<? extends JsonNode> value, String what) {
        return value.orElseThrow(() -> new ProblemException(Problem.notFound(what)));
    }

    private static ObjectNode items(List<EventEnvelope> events) {
        ObjectNode body = JSON.objectNode();
        ArrayNode items = body.putArray("items");
        for (EventEnvelope event : events) {
            ObjectNode item = items.addObject()
                    .put("eventId", event.eventId())
                    .put("eventType", event.eventType().wireName())
                    .put("occurredAt", EventCodec.timestamp(event.occurredAt()))
                    .put("correlationId", event.correlationId())
                    .put("causationId", event.causationId());
            item.set("data", EventCodec.shared().toJson(event).get("data"));
        }
        return body;
    }

    private static ObjectNode trace(AuditQueries queries, String correlationId) {
        List<EventEnvelope> events = queries.trace(correlationId);
        if (events.isEmpty()) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found",
                    "no event with correlation id " + correlationId));
        }
        ObjectNode body = JSON.objectNode().put("correlationId", correlationId);
        ArrayNode list = body.putArray("events");
        events.forEach(event -> list.addObject()
                .put("eventId", event.eventId())
                .put("eventType", event.eventType().wireName())
                .put("source", event.source())
                .put("occurredAt", EventCodec.timestamp(event.occurredAt()))
                .put("causationId", event.causationId()));
        return body;
    }
}
