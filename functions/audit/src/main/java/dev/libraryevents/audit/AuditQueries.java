package dev.libraryevents.audit;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.LibraryFold;
import dev.libraryevents.events.state.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reading the audit log back: an entity's trail, the entity as it stood at any instant (by folding its trail with
 * the {@link LibraryFold} the Library service itself uses), the whole system rebuilt, and the causal trace of one
 * correlation id.
 */
public final class AuditQueries {

    /** The order in which events are folded: by time, and by aggregate sequence within the same instant. */
    static final Comparator<EventEnvelope> HISTORY_ORDER =
            Comparator.comparing(EventEnvelope::occurredAt).thenComparingLong(EventEnvelope::sequence);

    /** The whole library at one instant. */
    public record SystemState(Map<String, Book> books, Map<String, User> users, Map<String, Borrowing> borrowings) {}

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final EventCodec codec;

    public AuditQueries(DynamoDbClient dynamoDb, String tableName, EventCodec codec) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.codec = codec;
    }

    /** @param aggregateType {@code Book}, {@code User} or {@code Borrowing} */
    public List<EventEnvelope> trail(String aggregateType, String id) {
        return dynamoDb.queryPaginator(r -> r.tableName(tableName).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(
                                AuditLog.entityKey(aggregateType, id)))))
                .items().stream().map(item -> codec.decode(item.get("event").s())).toList();
    }

    public Optional<Book> bookAt(String bookId, Instant at) {
        return stateAt(trail("Book", bookId), at, LibraryFold::evolve);
    }

    public Optional<User> userAt(String userId, Instant at) {
        return stateAt(trail("User", userId), at, LibraryFold::evolve);
    }

    public Optional<Borrowing> borrowingAt(String borrowingId, Instant at) {
        return stateAt(trail("Borrowing", borrowingId), at, LibraryFold::evolve);
    }

    /** Folds the trail's events up to and including {@code at}, in history order. */
    private static <T> Optional<T> stateAt(List<EventEnvelope> trail, Instant at,
                                           BiFunction<T, EventEnvelope, T> evolve) {
        T state = null;
        for (EventEnvelope event : until(trail, at)) {
            state = evolve.apply(state, event);
        }
        return Optional.ofNullable(state);
    }

    /** Every book, user and borrowing, folded from every event in the log. */
    public SystemState rebuild() {
        List<EventEnvelope> events = new ArrayList<>();
        dynamoDb.scanPaginator(r -> r.tableName(tableName).filterExpression("sk = :event")
                        .expressionAttributeValues(Map.of(":event", AttributeValue.fromS("EVENT"))))
                .items().forEach(item -> events.add(codec.decode(item.get("event").s())));
        events.sort(HISTORY_ORDER);
        Map<String, Book> books = new LinkedHashMap<>();
        Map<String, User> users = new LinkedHashMap<>();
        Map<String, Borrowing> borrowings = new LinkedHashMap<>();
        for (EventEnvelope event : events) {
            for (String entity : AuditLog.entitiesOf(event)) {
                String id = entity.substring(entity.indexOf('#') + 1);
                if (entity.startsWith("BOOK#")) {
                    apply(books, id, previous -> LibraryFold.evolve(previous, event));
                } else if (entity.startsWith("USER#")) {
                    apply(users, id, previous -> LibraryFold.evolve(previous, event));
                } else if (entity.startsWith("BORROWING#")) {
                    apply(borrowings, id, previous -> LibraryFold.evolve(previous, event));
                }
            }
        }
        return new SystemState(books, users, borrowings);
    }

    /** The events of one correlation id, each cause before what it caused; siblings by time. */
    public List<EventEnvelope> trace(String correlationId) {
        List<EventEnvelope> events = dynamoDb.queryPaginator(r -> r.tableName(tableName)
                        .indexName(AuditLog.CORRELATION_INDEX)
                        .keyConditionExpression("#pk = :id")
                        .expressionAttributeNames(Map.of("#pk", AuditLog.CORRELATION_INDEX + "Pk"))
                        .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(correlationId))))
                .items().stream().map(item -> codec.decode(item.get("event").s()))
                .sorted(HISTORY_ORDER).toList();
        Map<String, EventEnvelope> byId = new HashMap<>();
        Map<String, List<EventEnvelope>> effects = new HashMap<>();
        events.forEach(event -> byId.put(event.eventId(), event));
        List<EventEnvelope> roots = new ArrayList<>();
        for (EventEnvelope event : events) {
            if (event.causationId() != null && byId.containsKey(event.causationId())) {
                effects.computeIfAbsent(event.causationId(), k -> new ArrayList<>()).add(event);
            } else {
                roots.add(event);
            }
        }
        List<EventEnvelope> ordered = new ArrayList<>();
        roots.forEach(root -> visit(root, effects, ordered));
        return ordered;
    }

    private static void visit(EventEnvelope event, Map<String, List<EventEnvelope>> effects,
                              List<EventEnvelope> ordered) {
        ordered.add(event);
        effects.getOrDefault(event.eventId(), List.of()).forEach(effect -> visit(effect, effects, ordered));
    }

    private static List<EventEnvelope> until(List<EventEnvelope> trail, Instant at) {
        return trail.stream().filter(event -> !event.occurredAt().isAfter(at)).sorted(HISTORY_ORDER).toList();
    }

    private static <T> void apply(Map<String, T> entities, String id, java.util.function.UnaryOperator<T> evolve) {
        T next = evolve.apply(entities.get(id));
        if (next != null) {
            entities.put(id, next);
        }
    }
}
