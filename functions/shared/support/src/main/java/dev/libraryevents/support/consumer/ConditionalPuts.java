package dev.libraryevents.support.consumer;

import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.TransactionItems;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * For effects that are conditional puts keyed by their cause ({@link EventEffects#idempotentWrites()}: Audit,
 * Notification): no transaction, half the write units or less. The mark is put first, alone; a redelivery of the
 * same event finds its own mark and completes a partial write, another event for that version writes nothing.
 * The last write tells a first delivery that finished from a duplicate.
 */
final class ConditionalPuts extends WriteStrategy.PerEvent {

    ConditionalPuts(DynamoDbClient dynamoDb, Marks marks) {
        super(dynamoDb, marks);
    }

    @Override
    boolean apply(EventEnvelope event, EventEffects effects) {
        return marks.claim(event, effects) && putEachConditionally(effects.effects(event));
    }

    /**
     * Writes each put under its condition (its item absent, or older): a retry after a partial write completes it,
     * and a duplicate changes nothing.
     *
     * @return whether the last put wrote its item, that is, whether this delivery is the first to finish
     */
    private boolean putEachConditionally(List<TransactWriteItem> writes) {
        boolean lastWritten = false;
        for (TransactWriteItem write : writes) {
            Put put = write.put();
            if (put == null || put.conditionExpression() == null) {
                throw new IllegalStateException("idempotent effects are conditional puts only");
            }
            try {
                TransactionItems.putAlone(dynamoDb, put);
                lastWritten = true;
            } catch (ConditionalCheckFailedException alreadyWritten) {
                lastWritten = false;
            }
        }
        return lastWritten;
    }
}
