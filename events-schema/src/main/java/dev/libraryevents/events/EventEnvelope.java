package dev.libraryevents.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One event as it travels (DESIGN §3). {@code eventType}, {@code source} and {@code aggregateType} follow from the
 * data's {@link EventType}, so an envelope cannot name one type and carry another.
 *
 * @param causationId the {@code eventId} of the event that caused this one, or {@code null} for a client's request
 * @param sequence    counts the events of one aggregate from 1; consumers use it to tolerate any delivery order
 */
public record EventEnvelope(String eventId, int eventVersion, Instant occurredAt, String correlationId,
                            String causationId, String aggregateId, long sequence, EventData data) {

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

    /** A new event at the current schema version of its type, with a fresh id. */
    public static EventEnvelope create(EventData data, String aggregateId, long sequence, Instant occurredAt,
                                       String correlationId, String causationId) {
        return new EventEnvelope(UUID.randomUUID().toString(), data.type().currentVersion(), occurredAt,
                correlationId, causationId, aggregateId, sequence, data);
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
