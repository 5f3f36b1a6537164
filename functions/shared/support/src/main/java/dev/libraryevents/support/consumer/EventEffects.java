package dev.libraryevents.support.consumer;

import dev.libraryevents.events.EventEnvelope;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What one service does with one event: the writes that record its effect. {@link EventConsumer} commits them in
 * one transaction together with the dedupe mark of the event's aggregate version, so a version takes effect exactly
 * once however often, and under whatever event id, it is delivered. May read the table first; if the writes'
 * conditions then fail because the state moved, the consumer asks again.
 */
@FunctionalInterface
public interface EventEffects {

    /** @return the writes for this event; empty when the event does not concern the service */
    List<TransactWriteItem> effects(EventEnvelope event);

    /** Work outside the table once the effect is committed, such as sending an email. Best effort. */
    default void afterCommit(EventEnvelope event) {}

    /**
     * True when every write is a conditional put that changes nothing when repeated: an item keyed by the event
     * put if absent, or a version put only over an older one. {@link EventConsumer} then puts the mark alone first
     * and the writes one by one, without a transaction: half the write units or less. The last write must be the
     * one whose presence means that all the others were written: it alone tells a first delivery that completed
     * from a redelivery.
     */
    default boolean idempotentWrites() {
        return false;
    }

    /**
     * True when the writes of several events can be combined into fewer (counters summed): {@link EventConsumer}
     * then commits a whole batch in one transaction, every event's mark and {@link #combinedEffects} together,
     * instead of a transaction per event.
     */
    default boolean combinesEffects() {
        return false;
    }

    /** The writes of {@code events} combined; by default simply each event's. */
    default List<TransactWriteItem> combinedEffects(List<EventEnvelope> events) {
        return events.stream().flatMap(event -> effects(event).stream()).toList();
    }

    /**
     * What the mark stores besides its key and the event's id, so that it can serve as one of the effect's rows; a
     * sort key here replaces the mark's own ({@code PROCESSED}).
     */
    default Map<String, AttributeValue> markAttributes(EventEnvelope event) {
        return Map.of();
    }
}
