package dev.libraryevents.support.outbox;

import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.aws.TransactionItems;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The writing side of the transactional outbox: an event becomes one more item in the same
 * {@code TransactWriteItems} as the state change it records, so both are stored or neither is. The table's stream
 * then hands the row to {@link OutboxRelay}.
 *
 * <p>Rows of one aggregate share a partition key, so the stream keeps them in their order; the sort key is the
 * aggregate's sequence, so two writers that both think they produce event N of an aggregate cannot both succeed.
 */
public final class Outbox {

    public static final String ROW_PREFIX = "OUTBOX#";
    public static final String EVENT = "event";
    public static final String EXPIRES_AT = "expiresAt";

    /** Long enough for the relay's retries and an operator's look; TTL then removes the row. */
    static final Duration RETENTION = Duration.ofDays(7);

    private final String tableName;
    private final EventCodec codec;

    public Outbox(String tableName, EventCodec codec) {
        this.tableName = tableName;
        this.codec = codec;
    }

    /** The partition of an aggregate's outbox rows; their sort key is the sequence, so the newest is last. */
    public static String partitionOf(String aggregateType, String aggregateId) {
        return ROW_PREFIX + aggregateType + "#" + aggregateId;
    }

    /** @throws dev.libraryevents.events.InvalidEventException if the event breaks its schema: it never reaches a row */
    public TransactWriteItem append(EventEnvelope event) {
        Map<String, AttributeValue> row = new HashMap<>(keptRow(event));
        row.put(EXPIRES_AT, Items.epochSeconds(event.occurredAt().plus(RETENTION)));
        return TransactionItems.putIfAbsent(tableName, row);
    }

    /**
     * The row of an event that nothing else numbers (a consumer's per-batch summary): written alone, if absent,
     * and never expired, so that the aggregate's newest row always tells the next number; two writers that pick
     * the same number collide on it. One put instead of a transaction of a numbering row and an outbox row.
     */
    public TransactWriteItem appendKept(EventEnvelope event) {
        return TransactionItems.putIfAbsent(tableName, keptRow(event));
    }

    /**
     * The keys and the event, nothing else: a write costs a unit per started KB (two in a transaction), and a
     * borrow's event alone is near 1 KB; the event's id and type are in its JSON.
     */
    private Map<String, AttributeValue> keptRow(EventEnvelope event) {
        return Map.of(
                Items.PARTITION_KEY, s(partitionOf(event.aggregateType(), event.aggregateId())),
                Items.SORT_KEY, s(String.format("%019d", event.sequence())),
                EVENT, s(codec.encodeValidated(event)));
    }
}
