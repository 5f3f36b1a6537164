package dev.libraryevents.support.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.support.aws.CannedEvents;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.SqsMessages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final String BORROWED_MARK = EventConsumer.markKey(EventCodec.shared().fromJson(
            SqsMessages.example("BookBorrowed", "valid")));

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
    void shouldWriteIdempotentEffectsWithoutATransaction_andTellAFirstDeliveryFromADuplicate() {
        SQSEvent batch = SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid"));

        consumer.consume(batch, keyedByEvent, null);
        consumer.consume(batch, keyedByEvent, null);

        assertThat(keys()).containsExactlyInAnyOrder(BORROWED_MARK, "ROW#" + BORROWED_EVENT_ID,
                "DONE#" + BORROWED_EVENT_ID);
        assertThat(committed).containsExactly(BORROWED_EVENT_ID);
    }

    @Test
    void shouldCompleteAPartialIdempotentWrite_whenTheEventComesAgain() {
        // a crash after the mark and the first put
        DYNAMODB.client().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(BORROWED_MARK),
                "sk", AttributeValue.fromS("PROCESSED"), "eventId", AttributeValue.fromS(BORROWED_EVENT_ID))));
        DYNAMODB.client().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS(
                "ROW#" + BORROWED_EVENT_ID), "sk", AttributeValue.fromS("ROW"))));

        consumer.consume(SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid")), keyedByEvent, null);

        assertThat(keys()).containsExactlyInAnyOrder(BORROWED_MARK, "ROW#" + BORROWED_EVENT_ID,
                "DONE#" + BORROWED_EVENT_ID);
        assertThat(committed).containsExactly(BORROWED_EVENT_ID);
    }

    @Test
    void shouldChangeNothing_whenASecondEventClaimsAnAggregateVersionAlreadyTaken() {
        consumer.consume(SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid")), counting, null);
        consumer.consume(SqsMessages.batch(borrowedAgainUnderANewId()), counting, null);

        assertThat(count()).isEqualTo(1);
        assertThat(committed).containsExactly(BORROWED_EVENT_ID);
    }

    @Test
    void shouldWriteNothing_whenASecondEventClaimsAnAggregateVersionAlreadyTaken_withIdempotentEffects() {
        consumer.consume(SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid")), keyedByEvent, null);
        consumer.consume(SqsMessages.batch(borrowedAgainUnderANewId()), keyedByEvent, null);

        assertThat(keys()).containsExactlyInAnyOrder(BORROWED_MARK, "ROW#" + BORROWED_EVENT_ID,
                "DONE#" + BORROWED_EVENT_ID);
        assertThat(committed).containsExactly(BORROWED_EVENT_ID);
    }

    @Test
    void shouldWriteWhatTookEffect_whatWasDropped_andWhatFailed_asMetrics() throws Exception {
        EventConsumer measured = new EventConsumer(DYNAMODB.client(), table, EventCodec.shared(), Clock.systemUTC(),
                "test");
        SQSEvent first = SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid"),
                SqsMessages.example("BookAdded", "valid"));
        first.getRecords().add(SqsMessages.message("this is not JSON"));

        List<JsonNode> firstLines = metricLines(() -> measured.consume(first, counting, null));
        List<JsonNode> againLines = metricLines(() -> measured.consume(
                SqsMessages.batch(SqsMessages.example("BookBorrowed", "valid")), counting, null));

        assertThat(firstLines).filteredOn(line -> line.has("EventsConsumed"))
                .extracting(line -> line.path("EventType").asText() + "=" + line.path("EventsConsumed").asInt()
                        + ", ages " + line.path("EventAge").size())
                .containsExactlyInAnyOrder("BookBorrowed=1, ages 1", "BookAdded=1, ages 1");
        assertThat(batchLine(firstLines)).isEqualTo("dropped 0, failed 1");
        assertThat(againLines).filteredOn(line -> line.has("EventsConsumed")).isEmpty();
        assertThat(batchLine(againLines)).isEqualTo("dropped 1, failed 0");
    }

    private static String batchLine(List<JsonNode> lines) {
        JsonNode line = lines.stream().filter(l -> l.has("DuplicatesDropped")).findFirst().orElseThrow();
        return "dropped " + line.path("DuplicatesDropped").asInt() + ", failed " + line.path("MessagesFailed").asInt();
    }

    /** The EMF lines {@code consuming} writes to standard output, where Lambda sends them to CloudWatch Logs. */
    private static List<JsonNode> metricLines(Runnable consuming) throws Exception {
        PrintStream standardOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            consuming.run();
        } finally {
            System.setOut(standardOut);
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).lines().toList()) {
            JsonNode json = EventCodec.shared().mapper().readTree(line);
            if (json.has("_aws")) {
                lines.add(json);
            }
        }
        return lines;
    }

    /** The same aggregate version as the example BookBorrowed, as a forger or a re-sending producer would send it. */
    private static ObjectNode borrowedAgainUnderANewId() {
        return SqsMessages.example("BookBorrowed", "valid").put("eventId", "0f0e0d0c-0b0a-4908-8706-050403020100");
    }

    /** SnapStart's priming runs the consumer's whole path on a canned event, and the table stays as it was. */
    @Test
    void shouldPrimeWithoutWritingAnything() {
        SQSEvent canned = SqsMessages.batch(EventCodec.shared().toJson(CannedEvents.bookBorrowed()));
        BatchSummary summary = new BatchSummary() {
            @Override
            public String aggregateId() {
                return "usage";
            }

            @Override
            public Optional<EventData> summarize(List<dev.libraryevents.events.EventEnvelope> processed) {
                return Optional.of(new EventData.AnalyticsUpdated(processed.size(), List.of("borrowings")));
            }
        };

        consumer.prime(canned, counting, summary);
        consumer.prime(canned, keyedByEvent, null);

        assertThat(keys()).isEmpty();
        assertThat(committed).isEmpty();
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
