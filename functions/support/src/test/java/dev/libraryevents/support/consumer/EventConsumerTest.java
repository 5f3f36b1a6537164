package dev.libraryevents.support.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.SqsMessages;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

class EventConsumerTest {

    private static final DynamoDbLocal DYNAMODB = DynamoDbLocal.shared();

    private final String table = DYNAMODB.createServiceTable("consumer");
    private final EventConsumer consumer = new EventConsumer(DYNAMODB.client(), table, EventCodec.shared(),
            Clock.systemUTC());
    private final List<String> committed = new ArrayList<>();

    /** Counts events in one item, and remembers which took effect. */
    private final EventEffects counting = new EventEffects() {
        @Override
        public List<TransactWriteItem> effects(dev.libraryevents.events.EventEnvelope event) {
            return List.of(TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS("COUNT"), "sk", AttributeValue.fromS("COUNT")))
                    .updateExpression("ADD events :one")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build()).build());
        }

        @Override
        public void afterCommit(dev.libraryevents.events.EventEnvelope event) {
            committed.add(event.eventId());
        }
    };

    private static final String BORROWED_EVENT_ID = "6e1a4b5c-9d7f-4c8a-b1d2-3e4f5a6b7c8d";

    /** Two rows keyed by the event, the second one last: writes that are idempotent by themselves. */
    private final EventEffects keyedByEvent = new EventEffects() {
        @Override
        public List<TransactWriteItem> effects(dev.libraryevents.events.EventEnvelope event) {
            return List.of(row("ROW#" + event.eventId()), row("DONE#" + event.eventId()));
        }

        @Override
        public void afterCommit(dev.libraryevents.events.EventEnvelope event) {
            committed.add(event.eventId());
        }

        @Override
        public boolean idempotentWrites() {
            return true;
        }

        private TransactWriteItem row(String key) {
            return TransactionItems.putIfAbsent(table, Map.of("pk", AttributeValue.fromS(key),
                    "sk", AttributeValue.fromS(key.substring(0, key.indexOf('#')))));
        }
    };

    @Test
    void shouldFailMessagesThatAreNotEvents_alone() {
        SQSEvent batch = SqsMessages.batch(SqsMessages.example("BookAdded", "valid"),
                SqsMessages.example("UserRegistered", "valid"));
        batch.getRecords().add(1, SqsMessages.message("this is not JSON"));
        batch.getRecords().add(SqsMessages.message("{\"detail\":{\"eventType\":\"BookAdded\"}}"));

        SQSBatchResponse response = consumer.consume(batch, counting, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(batch.getRecords().get(1).getMessageId(), batch.getRecords().get(3).getMessageId());
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void shouldTakeEffectOnce_andRunAfterCommitOnlyThen() {
        SQSEvent once = SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid"));
        SQSEvent bare = new SQSEvent();
        bare.setRecords(List.of(SqsMessages.message(SqsMessages.example("BookBorrowed", "valid").toString())));

        consumer.consume(once, counting, null);
        consumer.consume(bare, counting, null);
        consumer.consume(once, counting, null);

        assertThat(count()).isEqualTo(1);
        assertThat(committed).containsExactly("6e1a4b5c-9d7f-4c8a-b1d2-3e4f5a6b7c8d");
    }

    @Test
    void shouldWriteIdempotentEffectsWithoutAMark_andTellAFirstDeliveryFromADuplicate() {
        SQSEvent batch = SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid"));

        consumer.consume(batch, keyedByEvent, null);
        consumer.consume(batch, keyedByEvent, null);

        assertThat(keys()).containsExactlyInAnyOrder("ROW#" + BORROWED_EVENT_ID, "DONE#" + BORROWED_EVENT_ID);
        assertThat(committed).containsExactly(BORROWED_EVENT_ID);
    }

    @Test
    void shouldCompleteAPartialIdempotentWrite_whenTheEventComesAgain() {
        DYNAMODB.client().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(
                "ROW#" + BORROWED_EVENT_ID), "sk", AttributeValue.fromS("ROW")))); // a crash after the first put

        consumer.consume(SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid")), keyedByEvent, null);

        assertThat(keys()).containsExactlyInAnyOrder("ROW#" + BORROWED_EVENT_ID, "DONE#" + BORROWED_EVENT_ID);
        assertThat(committed).containsExactly(BORROWED_EVENT_ID);
    }

    private List<String> keys() {
        return DYNAMODB.client().scanPaginator(r -> r.tableName(table)).items().stream()
                .map(item -> item.get("pk").s()).toList();
    }

    private long count() {
        Map<String, AttributeValue> item = DYNAMODB.client().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("COUNT"), "sk", AttributeValue.fromS("COUNT")))).item();
        return item.isEmpty() ? 0 : Long.parseLong(item.get("events").n());
    }
}
