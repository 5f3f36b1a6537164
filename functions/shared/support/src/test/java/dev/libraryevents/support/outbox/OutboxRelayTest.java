package dev.libraryevents.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.RecordingEventBridge;
import dev.libraryevents.testing.StreamRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** The relay on real stream records from DynamoDB Local, putting to a loopback bus that can fail entries. */
class OutboxRelayTest {

    private static final String BUS = "library-events";
    private static final DynamoDbLocal DYNAMODB = DynamoDbLocal.shared();

    private final EventCodec codec = EventCodec.shared();
    private final StreamRecords streams = new StreamRecords(DYNAMODB);
    private RecordingEventBridge bus;
    private EventBridgeClient eventBridge;
    private String table;
    private Outbox outbox;
    private OutboxRelay relay;

    @BeforeEach
    void setUp() {
        bus = new RecordingEventBridge();
        eventBridge = EventBridgeClient.builder().endpointOverride(bus.endpoint()).region(DynamoDbLocal.REGION)
                .credentialsProvider(DynamoDbLocal.CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
        table = DYNAMODB.createServiceTable("relay");
        outbox = new Outbox(table, codec);
        relay = new OutboxRelay(eventBridge, BUS, codec, 3, Duration.ZERO);
    }

    @AfterEach
    void tearDown() {
        eventBridge.close();
        bus.close();
    }

    @Test
    void shouldPublishExactlyTheOutboxRows_inStreamOrder_inCallsOfAtMostTen() {
        List<EventEnvelope> written = new ArrayList<>();
        for (int user = 0; user < 4; user++) {
            String userId = UUID.randomUUID().toString();
            written.add(append(new EventData.UserRegistered(userId, "User " + user, "u" + user + "@example.org"),
                    userId, 1));
            written.add(append(new EventData.UserSuspended(userId, "User " + user, null), userId, 2));
        }
        for (int i = 0; i < 15; i++) {
            String bookId = UUID.randomUUID().toString();
            written.add(append(new EventData.BookAdded(bookId, "Title " + i, "Author", null, 2), bookId, 1));
        }
        DYNAMODB.client().putItem(r -> r.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS("BOOK#not-an-outbox-row"), "sk", AttributeValue.fromS("BOOK"))));

        StreamsEventResponse response = relay.relay(streams.next(table));

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<RecordingEventBridge.Entry> published = bus.accepted();
        assertThat(published).extracting(e -> codec.decode(e.detail())).containsExactlyInAnyOrderElementsOf(written);
        assertThat(published).allSatisfy(entry -> {
            EventEnvelope event = codec.decode(entry.detail());
            assertThat(entry.eventBusName()).isEqualTo(BUS);
            assertThat(entry.source()).isEqualTo(event.source());
            assertThat(entry.detailType()).isEqualTo(event.eventType().wireName());
        });
        assertThat(bus.calls()).allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(10));
        assertSequencesAscendPerAggregate(published);
    }

    @Test
    void shouldRetryOnlyTheEntriesTheBusReportsAsFailed() {
        List<EventEnvelope> written = IntStream.range(0, 5).mapToObj(i -> addBook()).toList();
        String flaky = written.get(2).eventId();
        bus.failEntries(entry -> entry.path("Detail").asText().contains(flaky), 2);

        StreamsEventResponse response = relay.relay(streams.next(table));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(bus.accepted()).extracting(e -> codec.decode(e.detail()).eventId())
                .containsExactlyInAnyOrderElementsOf(written.stream().map(EventEnvelope::eventId).toList());
        assertThat(bus.calls()).extracting(List::size).containsExactly(5, 1, 1);
    }

    @Test
    void shouldReportTheRecord_whenTheBusKeepsFailingIt() {
        List<EventEnvelope> written = IntStream.range(0, 3).mapToObj(i -> addBook()).toList();
        String poison = written.get(1).eventId();
        bus.failEntries(entry -> entry.path("Detail").asText().contains(poison), Integer.MAX_VALUE);
        List<DynamodbStreamRecord> records = streams.next(table);

        StreamsEventResponse response = relay.relay(records);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(records.get(1).getDynamodb().getSequenceNumber());
        assertThat(bus.calls()).hasSize(3);
    }

    @Test
    void shouldReportAnOutboxRowThatIsNotAValidEvent_afterPublishingTheRowsBeforeIt() {
        EventEnvelope first = addBook();
        DYNAMODB.client().putItem(r -> r.tableName(table).item(Map.of(
                "pk", AttributeValue.fromS(Outbox.ROW_PREFIX + "Book#broken"),
                "sk", AttributeValue.fromS("0000000000000000001"),
                Outbox.EVENT, AttributeValue.fromS("{\"eventType\":\"BookAdded\"}"))));
        addBook();
        List<DynamodbStreamRecord> records = streams.next(table);

        StreamsEventResponse response = relay.relay(records);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(records.get(1).getDynamodb().getSequenceNumber());
        assertThat(bus.accepted()).extracting(e -> codec.decode(e.detail())).containsExactly(first);
    }

    @Test
    void shouldSplitCallsSoThatNoneExceedsTheBusSizeLimit() {
        List<String> bigMetrics = IntStream.range(0, 20).mapToObj(i -> i + "-" + "m".repeat(5_000)).toList();
        for (long sequence = 1; sequence <= 4; sequence++) {
            append(new EventData.AnalyticsUpdated(1, bigMetrics), "usage", sequence);
        }

        StreamsEventResponse response = relay.relay(streams.next(table));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(bus.accepted()).hasSize(4);
        assertThat(bus.calls()).hasSizeGreaterThan(1).allSatisfy(call -> assertThat(call.stream()
                .mapToInt(e -> OutboxRelay.entrySize(PutEventsRequestEntry.builder().source(e.source())
                        .detailType(e.detailType()).detail(e.detail()).build())).sum())
                .isLessThanOrEqualTo(OutboxRelay.MAX_BYTES_PER_CALL));
    }

    private EventEnvelope addBook() {
        String bookId = UUID.randomUUID().toString();
        return append(new EventData.BookAdded(bookId, "A title", "An author", "9780135957059", 1), bookId, 1);
    }

    private EventEnvelope append(EventData data, String aggregateId, long sequence) {
        EventEnvelope event = EventEnvelope.create(data, aggregateId, sequence, Instant.now(), "test-relay", null);
        DYNAMODB.client().transactWriteItems(r -> r.transactItems(outbox.append(event)));
        return event;
    }

    private void assertSequencesAscendPerAggregate(List<RecordingEventBridge.Entry> published) {
        Map<String, List<Long>> sequences = new java.util.HashMap<>();
        for (RecordingEventBridge.Entry entry : published) {
            EventEnvelope event = codec.decode(entry.detail());
            sequences.computeIfAbsent(event.aggregateType() + "#" + event.aggregateId(), k -> new ArrayList<>())
                    .add(event.sequence());
        }
        sequences.values().forEach(list -> {
            List<Long> sorted = new ArrayList<>(list);
            Collections.sort(sorted);
            assertThat(list).isEqualTo(sorted);
        });
    }

    /** SnapStart's priming: the relay's path on a canned row, and a PutEvents the bus refuses. Nothing is published. */
    @Test
    void shouldPrimeWithoutPublishingAnything() {
        new OutboxRelayHandler(relay, "library.service").prime(); // throws if the bus took the priming entry

        assertThat(bus.accepted()).isEmpty();
    }
}
