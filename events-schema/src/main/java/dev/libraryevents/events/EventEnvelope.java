package dev.libraryevents.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as it travels (docs/design.md §3). {@code eventType}, {@code source} and {@code aggregateType} follow from
 * the data's {@link EventType}, so an envelope cannot name one type and carry another.
 *
 * @param causationId the {@code eventId} of the event that caused this one, or {@code null} for a client's request
 * @param sequence    counts the events of one aggregate from 1; consumers use it to tolerate any delivery order
 * @param actor       who caused it (docs/design.md §4a): the signed-in caller of a request, {@link Actor#SYSTEM} for an
 *                    event or schedule; {@code null} where it is not known (events from before the field)
 */
public record EventEnvelope(String eventId, int eventVersion, Instant occurredAt, String correlationId,
                            String causationId, String aggregateId, long sequence, EventData data, Actor actor) {

    /** Who caused an event: a librarian or member by their user pool {@code sub}, or the system. */
    public record Actor(String sub, String role) {

        public static final Actor SYSTEM = new Actor(null, "system");

        public Actor {
            Objects.requireNonNull(role, "role");
            if (!role.equals("system") && !role.equals("librarian") && !role.equals("member")) {
                throw new IllegalArgumentException("an actor's role is librarian, member or system, not " + role);
            }
            if (role.equals("system") != (sub == null)) {
                throw new IllegalArgumentException("a librarian or member has a sub, the system none");
            }
        }

        public static Actor librarian(String sub) {
            return new Actor(sub, "librarian");
        }

        public static Actor member(String sub) {
            return new Actor(sub, "member");
        }
    }

    /** An envelope whose actor is not known. */
    public EventEnvelope(String eventId, int eventVersion, Instant occurredAt, String correlationId,
                         String causationId, String aggregateId, long sequence, EventData data) {
        this(eventId, eventVersion, occurredAt, correlationId, causationId, aggregateId, sequence, data, null);
    }

    public EventEnvelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(data, "data");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence counts from 1, was " + sequence);
        }
        // The wire carries milliseconds; truncating here keeps an envelope equal to itself after a round trip.
        occurredAt = occurredAt.truncatedTo(ChronoUnit.MILLIS);
    }

    /** A new event at the current schema version of its type, with a fresh id, its actor not known. */
    public static EventEnvelope create(EventData data, String aggregateId, long sequence, Instant occurredAt,
                                       String correlationId, String causationId) {
        return create(data, aggregateId, sequence, occurredAt, correlationId, causationId, null);
    }

    /** A new event at the current schema version of its type, with a fresh id. */
    public static EventEnvelope create(EventData data, String aggregateId, long sequence, Instant occurredAt,
                                       String correlationId, String causationId, Actor actor) {
        return new EventEnvelope(UUID.randomUUID().toString(), data.type().currentVersion(), occurredAt,
                correlationId, causationId, aggregateId, sequence, data, actor);
    }

    /** The same event with other data: a reader's view of it (personal fields opened, say), never published. */
    public EventEnvelope withData(EventData other) {
        return new EventEnvelope(eventId, eventVersion, occurredAt, correlationId, causationId, aggregateId, sequence,
                other, actor);
    }

    public EventType eventType() {
        return data.type();
    }

    public String source() {
        return eventType().source();
    }

    public String aggregateType() {
        return eventType().aggregateType();
    }
}
