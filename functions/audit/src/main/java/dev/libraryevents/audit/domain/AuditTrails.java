package dev.libraryevents.audit.domain;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.AuditLogged;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.HoldCancelled;
import dev.libraryevents.events.EventData.HoldExpired;
import dev.libraryevents.events.EventData.HoldFulfilled;
import dev.libraryevents.events.EventData.HoldPlaced;
import dev.libraryevents.events.EventData.HoldReady;
import dev.libraryevents.events.EventData.LoanRenewed;
import dev.libraryevents.events.EventData.DataExportCompleted;
import dev.libraryevents.events.EventData.DataExportRequested;
import dev.libraryevents.events.EventData.NotificationSent;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.LibraryFold;
import dev.libraryevents.events.state.User;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * What the audit log means, apart from how it is stored: which trails an event belongs to, the order history is
 * folded in, an entity as it stood at an instant, the whole system rebuilt, a causal trace, and the summary of a
 * batch. Pure: events in, answers out.
 */
public final class AuditTrails {

    /** One trail: an entity of a type ({@code Book}, {@code User}, {@code Borrowing}, …) and its id. */
    public record Entity(String type, String id) {}

    /** The whole library at one instant. */
    public record SystemState(Map<String, Book> books, Map<String, User> users, Map<String, Borrowing> borrowings,
                              Map<String, Hold> holds) {}

    /** The order in which events are folded: by time, and by aggregate sequence within the same instant. */
    public static final Comparator<EventEnvelope> HISTORY_ORDER =
            Comparator.comparing(EventEnvelope::occurredAt).thenComparingLong(EventEnvelope::sequence);

    private AuditTrails() {}

    /** The entity types that have a trail: those the API reads (docs/design.md §4) and a snapshot rebuilds. */
    static final Set<String> TRAILED = Set.of("Book", "User", "Borrowing", "Hold");

    /**
     * The trails an event belongs to: its own aggregate's and those of the other entities it names, where that
     * entity has a trail ({@link #TRAILED}). Other aggregates' events (notifications, summaries, exports) stay in
     * the log's {@code EVENT} row alone, where traces and snapshots read them: a trail row that no route reads
     * would cost a write per event and tell nothing new.
     */
    public static Set<Entity> entitiesOf(EventEnvelope event) {
        Set<Entity> entities = new LinkedHashSet<>();
        entities.add(new Entity(event.aggregateType(), event.aggregateId()));
        EventData data = event.data();
        if (data instanceof BookBorrowed borrowed) {
            entities.add(new Entity("Book", borrowed.bookId()));
            entities.add(new Entity("User", borrowed.userId()));
        } else if (data instanceof BookReturned returned) {
            entities.add(new Entity("Book", returned.bookId()));
            entities.add(new Entity("User", returned.userId()));
        } else if (data instanceof LoanRenewed renewed) {
            entities.add(new Entity("User", renewed.userId()));
        } else if (data instanceof HoldPlaced placed) {
            heldBy(entities, placed.bookId(), placed.userId());
        } else if (data instanceof HoldReady ready) {
            heldBy(entities, ready.bookId(), ready.userId());
        } else if (data instanceof HoldFulfilled fulfilled) {
            heldBy(entities, fulfilled.bookId(), fulfilled.userId());
        } else if (data instanceof HoldCancelled cancelled) {
            heldBy(entities, cancelled.bookId(), cancelled.userId());
        } else if (data instanceof HoldExpired expired) {
            heldBy(entities, expired.bookId(), expired.userId());
        } else if (data instanceof NotificationSent sent) {
            entities.add(new Entity("User", sent.userId()));
        } else if (data instanceof DataExportRequested requested) {
            entities.add(new Entity("User", requested.userId()));
        } else if (data instanceof DataExportCompleted completed) {
            entities.add(new Entity("User", completed.userId()));
        }
        entities.removeIf(entity -> !TRAILED.contains(entity.type()));
        return entities;
    }

    /** A hold's event is in its book's trail (the book's queue and counts move) and its member's. */
    private static void heldBy(Set<Entity> entities, String bookId, String userId) {
        entities.add(new Entity("Book", bookId));
        entities.add(new Entity("User", userId));
    }

    /**
     * A book's queue at {@code at}, from its trail: the holds open then, in queue order (docs/design.md §4d).
     */
    public static List<Hold> queueAt(List<EventEnvelope> bookTrail, Instant at) {
        Map<String, Hold> holds = new LinkedHashMap<>();
        for (EventEnvelope event : bookTrail.stream().filter(event -> !event.occurredAt().isAfter(at))
                .sorted(HISTORY_ORDER).toList()) {
            if (event.aggregateType().equals("Hold")) {
                holds.put(event.aggregateId(), LibraryFold.evolve(holds.get(event.aggregateId()), event));
            }
        }
        return holds.values().stream().filter(hold -> hold != null && hold.status().isOpen())
                .sorted(Comparator.comparingLong(Hold::queueNumber)).toList();
    }

    /** Folds the trail's events up to and including {@code at}, in history order. */
    public static <T> Optional<T> stateAt(List<EventEnvelope> trail, Instant at,
                                          BiFunction<T, EventEnvelope, T> evolve) {
        T state = null;
        for (EventEnvelope event : trail.stream().filter(event -> !event.occurredAt().isAfter(at))
                .sorted(HISTORY_ORDER).toList()) {
            state = evolve.apply(state, event);
        }
        return Optional.ofNullable(state);
    }

    /** Every book, user, borrowing and hold, folded from every event, in history order. */
    public static SystemState rebuild(List<EventEnvelope> log) {
        Map<String, Book> books = new LinkedHashMap<>();
        Map<String, User> users = new LinkedHashMap<>();
        Map<String, Borrowing> borrowings = new LinkedHashMap<>();
        Map<String, Hold> holds = new LinkedHashMap<>();
        for (EventEnvelope event : log.stream().sorted(HISTORY_ORDER).toList()) {
            for (Entity entity : entitiesOf(event)) {
                switch (entity.type()) {
                    case "Book" -> apply(books, entity.id(), previous -> LibraryFold.evolve(previous, event));
                    case "User" -> apply(users, entity.id(), previous -> LibraryFold.evolve(previous, event));
                    case "Borrowing" -> apply(borrowings, entity.id(),
                            previous -> LibraryFold.evolve(previous, event));
                    case "Hold" -> apply(holds, entity.id(), previous -> LibraryFold.evolve(previous, event));
                    default -> { } // notifications, summaries: no state to rebuild
                }
            }
        }
        return new SystemState(books, users, borrowings, holds);
    }

    /** The events of one correlation id, each cause before what it caused; siblings by time. */
    public static List<EventEnvelope> causalOrder(List<EventEnvelope> correlated) {
        List<EventEnvelope> events = correlated.stream().sorted(HISTORY_ORDER).toList();
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

    /** One AuditLogged for a batch: rows written (one per event and trail) and the time the batch spans. */
    public static AuditLogged summarize(List<EventEnvelope> processed) {
        int rows = processed.stream().mapToInt(event -> entitiesOf(event).size()).sum();
        Comparator<EventEnvelope> byTime = Comparator.comparing(EventEnvelope::occurredAt);
        return new AuditLogged(rows, processed.stream().min(byTime).orElseThrow().occurredAt(),
                processed.stream().max(byTime).orElseThrow().occurredAt());
    }

    private static void visit(EventEnvelope event, Map<String, List<EventEnvelope>> effects,
                              List<EventEnvelope> ordered) {
        ordered.add(event);
        effects.getOrDefault(event.eventId(), List.of()).forEach(effect -> visit(effect, effects, ordered));
    }

    private static <T> void apply(Map<String, T> entities, String id, UnaryOperator<T> evolve) {
        T next = evolve.apply(entities.get(id));
        if (next != null) {
            entities.put(id, next);
        }
    }
}
