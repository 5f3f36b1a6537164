package dev.libraryevents.support.consumer;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.support.logging.Log;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * The one summary a consumer publishes per batch that took effect ({@code AnalyticsUpdated}, {@code AuditLogged}):
 * one outbox row, put alone if absent and kept ({@link Outbox#appendKept}), whose number is the newest such row's
 * plus one. Two consumers that pick the same number collide on the row; the loser reads again.
 */
final class SummaryPublisher {

    private static final int MAX_ATTEMPTS = 10;

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Outbox outbox;
    private final Clock clock;

    SummaryPublisher(DynamoDbClient dynamoDb, String tableName, Outbox outbox, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** @param processed the batch's events that took effect now, at least one */
    void publish(List<EventEnvelope> processed, BatchSummary summary) {
        Optional<EventData> data = summary.summarize(processed);
        if (data.isEmpty()) {
            return;
        }
        EventEnvelope first = processed.get(0);
        String partition = Outbox.partitionOf(data.get().type().aggregateType(), summary.aggregateId());
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long sequence = lastSequence(partition) + 1;
            EventEnvelope event = EventEnvelope.create(data.get(), summary.aggregateId(), sequence,
                    clock.instant().truncatedTo(ChronoUnit.MILLIS), first.correlationId(), first.eventId(),
                    EventEnvelope.Actor.SYSTEM);
            try {
                TransactionItems.putAlone(dynamoDb, outbox.appendKept(event).put());
                return;
            } catch (ConditionalCheckFailedException e) {
                // another instance took this number: read again
            }
        }
        // The batch's effects are committed; only the summary is missing. Say so rather than fail the batch.
        Log.warn("gave up numbering a summary event").correlationId(first.correlationId())
                .eventId(first.eventId()).with("detail", partition + ", batch of " + processed.size()).write();
    }

    /** The summary priming builds: its outbox row, made and not written. */
    void prime(List<EventEnvelope> events, BatchSummary summary) {
        summary.summarize(events).ifPresent(data -> outbox.appendKept(EventEnvelope.create(data,
                summary.aggregateId(), 1, clock.instant().truncatedTo(ChronoUnit.MILLIS), "priming", null,
                EventEnvelope.Actor.SYSTEM)));
    }

    /** The newest summary's number: the sort key of the newest kept outbox row of its aggregate, or 0. */
    private long lastSequence(String partition) {
        QueryResponse last = dynamoDb.query(r -> r.tableName(tableName)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Items.s(partition)))
                .scanIndexForward(false).limit(1).consistentRead(true));
        return last.items().isEmpty() ? 0 : Long.parseLong(last.items().get(0).get(Items.SORT_KEY).s());
    }
}
