package dev.libraryevents.support.consumer;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.support.logging.Log;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The dedupe marks: one per aggregate version an event claims ({@code PROCESSED#{aggregateType}#{aggregateId}#
 * {sequence}}), put only if absent and holding the id of the event that took the version. Every write strategy
 * records its effects with one.
 */
final class Marks {

    static final String PREFIX = "PROCESSED#";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;

    Marks(DynamoDbClient dynamoDb, String tableName, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
    }

    /** The key of the mark that records which event took the aggregate version {@code event} claims. */
    static String key(EventEnvelope event) {
        return PREFIX + event.aggregateType() + "#" + event.aggregateId() + "#" + event.sequence();
    }

    /**
     * The mark's write: put only if absent; a taken one comes back (in a transaction, in the cancellation reason).
     */
    TransactWriteItem write(EventEnvelope event, EventEffects effects) {
        Put put = TransactionItems.putIfAbsent(tableName, item(event, effects)).put();
        return TransactWriteItem.builder().put(put.toBuilder()
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
    }

    /**
     * Puts the mark unless it exists. A mark of this very event means a redelivery after a partial write, which
     * goes on to complete it; a mark of another event means this one repeats a version already taken into account.
     */
    boolean claim(EventEnvelope event, EventEffects effects) {
        try {
            TransactionItems.putAlone(dynamoDb, write(event, effects).put());
            return true;
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && event.eventId().equals(e.item().get("eventId").s())) {
                return true;
            }
            dropped(event, e.item());
            return false;
        }
    }

    /** A duplicate is normal (at-least-once); another event id for a version already taken is worth a line. */
    static void dropped(EventEnvelope event, Map<String, AttributeValue> mark) {
        AttributeValue first = mark == null ? null : mark.get("eventId");
        if (first != null && !event.eventId().equals(first.s())) {
            Log.warn("dropped an event for an aggregate version already taken into account")
                    .correlationId(event.correlationId()).eventId(event.eventId())
                    .with("detail", key(event) + " was taken by " + first.s()).write();
        }
    }

    private Map<String, AttributeValue> item(EventEnvelope event, EventEffects effects) {
        Map<String, AttributeValue> mark = new HashMap<>();
        mark.put(Items.SORT_KEY, Items.s("PROCESSED"));
        mark.put("eventType", Items.s(event.eventType().wireName()));
        mark.put("processedAt", Items.s(EventCodec.timestamp(clock.instant())));
        mark.putAll(effects.markAttributes(event));
        mark.put(Items.PARTITION_KEY, Items.s(key(event)));
        mark.put("eventId", Items.s(event.eventId()));
        return mark;
    }
}
