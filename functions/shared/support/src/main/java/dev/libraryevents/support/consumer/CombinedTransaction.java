package dev.libraryevents.support.consumer;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.logging.Log;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * For effects that combine ({@link EventEffects#combinesEffects()}: Analytics' counters, which are not idempotent by
 * themselves): the batch's events committed together, {@link #MAX_COMBINED} at a time, their marks (each written
 * only if absent) and their combined effects in one transaction. A mark found taken (a duplicate) cancels it; that
 * event is dropped and the others commit again. Two messages of the batch for one aggregate version are one. A
 * group that cannot commit fails as a whole.
 */
final class CombinedTransaction implements WriteStrategy {

    private static final int MAX_ATTEMPTS = PerEvent.MAX_ATTEMPTS;
    /** Events per combined transaction: with their marks and counters well within DynamoDB's 100 items. */
    private static final int MAX_COMBINED = 40;

    private final DynamoDbClient dynamoDb;
    private final Marks marks;

    CombinedTransaction(DynamoDbClient dynamoDb, Marks marks) {
        this.dynamoDb = dynamoDb;
        this.marks = marks;
    }

    @Override
    public void write(List<Delivery> deliveries, EventEffects effects, Outcome outcome) {
        Map<String, Delivery> byVersion = new LinkedHashMap<>();
        for (Delivery delivery : deliveries) {
            Delivery first = byVersion.putIfAbsent(Marks.key(delivery.event()), delivery);
            if (first != null) {
                Marks.dropped(delivery.event(), Map.of("eventId", Items.s(first.event().eventId())));
            }
        }
        List<Delivery> versions = new ArrayList<>(byVersion.values());
        for (int from = 0; from < versions.size(); from += MAX_COMBINED) {
            List<Delivery> group = new ArrayList<>(versions.subList(from, Math.min(versions.size(),
                    from + MAX_COMBINED)));
            try {
                commitTogether(group, effects);
                group.forEach(delivery -> {
                    outcome.processed().add(delivery.event());
                    effects.afterCommit(delivery.event());
                });
            } catch (SdkException | ConflictPersisted e) {
                Log.warn("could not record a batch of events; they will be retried")
                        .with("messageIds", group.stream().map(Delivery::messageId).toList().toString())
                        .with("detail", e.getMessage()).write();
                group.forEach(delivery -> outcome.failures().add(
                        new SQSBatchResponse.BatchItemFailure(delivery.messageId())));
            }
        }
    }

    /** Commits the group's marks and combined effects; removes from {@code group} every event whose mark was taken. */
    private void commitTogether(List<Delivery> group, EventEffects effects) {
        for (int attempt = 1; !group.isEmpty(); attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            for (Delivery delivery : group) {
                items.add(marks.write(delivery.event(), effects));
            }
            items.addAll(effects.combinedEffects(group.stream().map(Delivery::event).toList()));
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(items));
                return;
            } catch (TransactionCanceledException e) {
                boolean markTaken = false;
                for (int i = group.size() - 1; i >= 0; i--) {
                    var reason = e.hasCancellationReasons() && i < e.cancellationReasons().size()
                            ? e.cancellationReasons().get(i) : null;
                    if (reason != null && "ConditionalCheckFailed".equals(reason.code())) {
                        Marks.dropped(group.remove(i).event(), reason.item());
                        markTaken = true;
                    }
                }
                if (!markTaken && attempt >= MAX_ATTEMPTS) {
                    throw new ConflictPersisted(e.getMessage());
                }
            }
        }
    }
}
