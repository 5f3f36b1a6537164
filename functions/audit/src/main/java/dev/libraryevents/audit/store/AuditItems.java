package dev.libraryevents.audit.store;

import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.audit.domain.AuditTrails.Entity;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.CompressedText;
import dev.libraryevents.support.aws.Items;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The audit table's key layout, in one place:
 * <pre>
 * pk                                          sk                       what
 * PROCESSED#{aggregateType}#{aggregateId}#{n}  EVENT                    the event once, indexed byCorrelation for
 *                                                                       traces: the consumer's mark of version n
 * {ENTITY}#{id}                               {occurredAt}#{eventId}   a book's, user's or borrowing's trail, oldest
 *                                                                       first in key order
 * SNAPSHOT#{id}                               SNAPSHOT                 a rebuilt state of the whole system (API)
 * </pre>
 * plus the consumer's outbox rows, summaries among them (see EventConsumer and Outbox). Every row holds the whole
 * event as gzipped JSON in {@code event} ({@link CompressedText}: a row then stays within one write unit), so that
 * a trail or a trace reads it back from the one row.
 */
public final class AuditItems {

    /** Index {@code byCorrelation}: {@code byCorrelationPk} = correlation id, {@code byCorrelationSk} = sort key. */
    public static final String CORRELATION_INDEX = "byCorrelation";
    static final String EVENT = "event";
    static final String EVENT_ROW = "EVENT";
    static final String SNAPSHOT = "snapshot";

    private AuditItems() {}

    static String entityKey(Entity entity) {
        return entity.type().toUpperCase(Locale.ROOT) + "#" + entity.id();
    }

    /** Time first, so a trail reads oldest first; the event id keeps two events of one millisecond apart. */
    static String sortKey(EventEnvelope event) {
        return EventCodec.timestamp(event.occurredAt()) + "#" + event.eventId();
    }

    /** The keys and the event alone (its id and type are in its JSON): a write costs a unit per started KB. */
    public static Map<String, AttributeValue> trailRow(Entity entity, EventEnvelope event, String json) {
        return Map.of(Items.PARTITION_KEY, s(entityKey(entity)), Items.SORT_KEY, s(sortKey(event)),
                EVENT, CompressedText.of(json));
    }

    /** What the consumer's mark of the event's aggregate version holds, which makes it the {@code EVENT} row. */
    public static Map<String, AttributeValue> eventRow(EventEnvelope event, String json) {
        return Map.of(Items.SORT_KEY, s(EVENT_ROW), EVENT, CompressedText.of(json),
                CORRELATION_INDEX + "Pk", s(event.correlationId()), CORRELATION_INDEX + "Sk", s(sortKey(event)));
    }

    static Map<String, AttributeValue> snapshotKey(String snapshotId) {
        return Items.key("SNAPSHOT#" + snapshotId, "SNAPSHOT");
    }
}
