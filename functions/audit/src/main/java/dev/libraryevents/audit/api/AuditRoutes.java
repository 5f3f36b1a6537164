package dev.libraryevents.audit.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.audit.domain.AuditTrails;
import dev.libraryevents.audit.domain.AuditTrails.Entity;
import dev.libraryevents.audit.domain.AuditTrails.SystemState;
import dev.libraryevents.audit.store.AuditQueries;
import dev.libraryevents.audit.store.Snapshots;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.LibraryFold;
import dev.libraryevents.events.state.User;
import dev.libraryevents.support.aws.CannedEvents;
import dev.libraryevents.support.http.ApiRequest;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.Problem;
import dev.libraryevents.support.http.ProblemException;
import dev.libraryevents.support.http.Router;
import dev.libraryevents.support.http.StateJson;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The Audit service's routes (docs/design.md §4): trails, an entity at an instant, snapshots and traces. */
public final class AuditRoutes {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Path segment → the aggregate type whose trail it names. */
    private static final Map<String, String> ENTITIES = Map.of("books", "Book", "users", "User",
            "borrowings", "Borrowing", "holds", "Hold");

    private final AuditQueries queries;
    private final Snapshots snapshots;
    private final PersonalData personalData;
    private final Clock clock;

    private AuditRoutes(AuditQueries queries, Snapshots snapshots, PersonalData personalData, Clock clock) {
        this.queries = queries;
        this.snapshots = snapshots;
        this.personalData = personalData;
        this.clock = clock;
    }

    /**
     * The log and snapshots keep names and emails as the events carried them, sealed (docs/design.md §4b): every answer
     * is revealed on its way out, so an erased user's show {@code [erased]} in every trail, state and snapshot.
     */
    public static Router router(AuditQueries queries, Snapshots snapshots, PersonalData personalData, Clock clock) {
        AuditRoutes routes = new AuditRoutes(queries, snapshots, personalData, clock);
        Router router = new Router();
        ENTITIES.forEach((path, type) -> router
                .get("/audit/" + path + "/{id}", request -> routes.trail(new Entity(type, request.pathParameter("id"))))
                .get("/audit/" + path + "/{id}/state", request -> routes.stateAt(
                        new Entity(type, request.pathParameter("id")), routes.at(request))));
        return router
                .post("/audit/snapshots", request -> routes.takeSnapshot())
                .get("/audit/snapshots/{snapshotId}", request -> ApiResponse.ok(personalData.reveal(found(
                        snapshots.find(request.pathParameter("snapshotId")), "snapshot"))))
                .get("/traces/{correlationId}", request -> routes.trace(request.pathParameter("correlationId")));
    }

    private ApiResponse trail(Entity entity) {
        List<EventEnvelope> trail = queries.trail(entity);
        if (trail.isEmpty()) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found", "no audit trail for "
                    + name(entity)));
        }
        return ApiResponse.ok(personalData.reveal(trailBody(trail)));
    }

    private static ObjectNode trailBody(List<EventEnvelope> trail) {
        ObjectNode body = JSON.objectNode();
        ArrayNode items = body.putArray("items");
        for (EventEnvelope event : trail) {
            ObjectNode wire = EventCodec.shared().toJson(event);
            ObjectNode item = items.addObject()
                    .put("eventId", event.eventId())
                    .put("eventType", event.eventType().wireName())
                    .put("occurredAt", EventCodec.timestamp(event.occurredAt()))
                    .put("correlationId", event.correlationId())
                    .put("causationId", event.causationId());
            item.set("data", wire.get("data"));
            withActor(item, wire);
        }
        return body;
    }

    /**
     * SnapStart's priming of what the routes do with what they find, which reads of ids nothing has never reach:
     * a canned event decoded as a row holds it, then rendered as a trail, a trace and a borrowing's state.
     */
    public static void primeRendering() {
        EventEnvelope event = EventCodec.shared().decode(EventCodec.shared().encode(CannedEvents.bookBorrowed()));
        trailBody(List.of(event)).toString();
        traceBody("priming", AuditTrails.causalOrder(List.of(event))).toString();
        AuditTrails.<Borrowing>stateAt(List.of(event), event.occurredAt(), LibraryFold::evolve)
                .map(StateJson::borrowing).map(JsonNode::toString);
    }

    private ApiResponse stateAt(Entity entity, Instant at) {
        List<EventEnvelope> trail = queries.trail(entity);
        Optional<? extends JsonNode> state = switch (entity.type()) {
            case "Book" -> AuditTrails.<Book>stateAt(trail, at, LibraryFold::evolve).map(book -> withQueue(
                    StateJson.book(book), AuditTrails.queueAt(trail, at)));
            case "User" -> AuditTrails.<User>stateAt(trail, at, LibraryFold::evolve).map(StateJson::user);
            case "Hold" -> AuditTrails.<Hold>stateAt(trail, at, LibraryFold::evolve).map(StateJson::hold);
            default -> AuditTrails.<Borrowing>stateAt(trail, at, LibraryFold::evolve).map(StateJson::borrowing);
        };
        return ApiResponse.ok(personalData.reveal(found(state, name(entity) + " at that instant")));
    }

    /** A book's state with its queue then: the open holds, in order (docs/design.md §4d). */
    private static ObjectNode withQueue(ObjectNode book, List<Hold> queue) {
        ArrayNode holds = book.putArray("queue");
        queue.forEach(hold -> holds.add(StateJson.hold(hold)));
        return book;
    }

    private ApiResponse takeSnapshot() {
        SystemState state = AuditTrails.rebuild(queries.everyEvent());
        ObjectNode snapshot = JSON.objectNode()
                .put("snapshotId", UUID.randomUUID().toString())
                .put("takenAt", EventCodec.timestamp(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        snapshot.putObject("counts")
                .put("books", state.books().size())
                .put("users", state.users().size())
                .put("borrowings", state.borrowings().size())
                .put("holds", state.holds().size());
        state.books().values().forEach(book -> snapshot.withArray("books").add(StateJson.book(book)));
        state.users().values().forEach(user -> snapshot.withArray("users").add(StateJson.user(user)));
        state.borrowings().values().forEach(b -> snapshot.withArray("borrowings").add(StateJson.borrowing(b)));
        state.holds().values().forEach(hold -> snapshot.withArray("holds").add(StateJson.hold(hold)));
        snapshots.put(snapshot);
        ObjectNode summary = JSON.objectNode().put("snapshotId", snapshot.get("snapshotId").asText())
                .put("takenAt", snapshot.get("takenAt").asText());
        summary.set("counts", snapshot.get("counts"));
        return ApiResponse.created(summary, "/audit/snapshots/" + snapshot.get("snapshotId").asText());
    }

    private ApiResponse trace(String correlationId) {
        List<EventEnvelope> events = queries.trace(correlationId);
        if (events.isEmpty()) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found",
                    "no event with correlation id " + correlationId));
        }
        return ApiResponse.ok(traceBody(correlationId, events));
    }

    private static ObjectNode traceBody(String correlationId, List<EventEnvelope> events) {
        ObjectNode body = JSON.objectNode().put("correlationId", correlationId);
        ArrayNode list = body.putArray("events");
        events.forEach(event -> withActor(list.addObject()
                .put("eventId", event.eventId())
                .put("eventType", event.eventType().wireName())
                .put("source", event.source())
                .put("occurredAt", EventCodec.timestamp(event.occurredAt()))
                .put("causationId", event.causationId()), EventCodec.shared().toJson(event)));
        return body;
    }

    /** Who caused the event, as its envelope says (docs/design.md §4a); events from before the field have none. */
    private static ObjectNode withActor(ObjectNode item, ObjectNode wire) {
        if (wire.has("actor")) {
            item.set("actor", wire.get("actor"));
        }
        return item;
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

    private static String name(Entity entity) {
        return entity.type().toLowerCase(Locale.ROOT) + " " + entity.id();
    }

    private static JsonNode found(Optional<? extends JsonNode> value, String what) {
        return value.orElseThrow(() -> new ProblemException(Problem.notFound(what)));
    }
}
