package dev.libraryevents.support.consumer;

import dev.libraryevents.events.EventEnvelope;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The default: each event's mark and effects in one transaction. Works for any effect; a duplicate's mark cancels
 * it, and an effect whose conditions failed because the state moved is asked again.
 */
final class TransactionPerEvent extends WriteStrategy.PerEvent {

    TransactionPerEvent(DynamoDbClient dynamoDb, Marks marks) {
        super(dynamoDb, marks);
    }

    @Override
    boolean apply(EventEnvelope event, EventEffects effects) {
        for (int attempt = 1; ; attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(marks.write(event, effects));
            items.addAll(effects.effects(event));
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(items));
                return true;
            } catch (TransactionCanceledException e) {
                if ("ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                    Marks.dropped(event, e.cancellationReasons().get(0).item());
                    return false;
                }
                if (attempt == MAX_ATTEMPTS) {
                    throw new ConflictPersisted(e.getMessage());
                }
            }
        }
    }
}
