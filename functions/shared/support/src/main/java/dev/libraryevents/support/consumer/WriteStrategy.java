package dev.libraryevents.support.consumer;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.logging.Log;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How a consumer records a batch's effects exactly once: the cheapest way that stays exactly-once for what the
 * effects are (a transaction counts every write twice). {@link #of} picks it from what the service's
 * {@link EventEffects} declare.
 */
interface WriteStrategy {

    /** What a batch came to: the events that took effect now, and the messages to retry. */
    record Outcome(List<EventEnvelope> processed, List<SQSBatchResponse.BatchItemFailure> failures) {}

    /** Records the effects of {@code deliveries} (valid, in batch order), calling back after each commit. */
    void write(List<Delivery> deliveries, EventEffects effects, Outcome outcome);

    static WriteStrategy of(EventEffects effects, DynamoDbClient dynamoDb, Marks marks) {
        if (effects.combinesEffects()) {
            return new CombinedTransaction(dynamoDb, marks);
        }
        if (effects.idempotentWrites()) {
            return new ConditionalPuts(dynamoDb, marks);
        }
        return new TransactionPerEvent(dynamoDb, marks);
    }

    /** The strategies that record one event at a time; an event that cannot be recorded fails alone. */
    abstract class PerEvent implements WriteStrategy {

        static final int MAX_ATTEMPTS = 10;

        final DynamoDbClient dynamoDb;
        final Marks marks;

        PerEvent(DynamoDbClient dynamoDb, Marks marks) {
            this.dynamoDb = dynamoDb;
            this.marks = marks;
        }

        @Override
        public final void write(List<Delivery> deliveries, EventEffects effects, Outcome outcome) {
            for (Delivery delivery : deliveries) {
                try {
                    if (apply(delivery.event(), effects)) {
                        outcome.processed().add(delivery.event());
                        effects.afterCommit(delivery.event());
                    }
                } catch (SdkException | ConflictPersisted e) {
                    Log.warn("could not record an event; it will be retried")
                            .with("messageId", delivery.messageId()).with("detail", e.getMessage()).write();
                    outcome.failures().add(new SQSBatchResponse.BatchItemFailure(delivery.messageId()));
                }
            }
        }

        /** @return true if the event took effect now, false if it (or another event of its version) had */
        abstract boolean apply(EventEnvelope event, EventEffects effects);
    }
}
