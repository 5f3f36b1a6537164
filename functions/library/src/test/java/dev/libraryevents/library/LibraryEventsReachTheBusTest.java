package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.EventType;
import dev.libraryevents.support.outbox.OutboxRelay;
import dev.libraryevents.support.outbox.OutboxRelayHandler;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.RecordingEventBridge;
import dev.libraryevents.testing.StreamRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** From a request to the bus: the API's transaction, the table's real stream, the relay function, PutEvents. */
class LibraryEventsReachTheBusTest {

    private final LibraryApi api = new LibraryApi();

    @Test
    void shouldPutEveryEventOfALoanOnTheBus_onceEach_withTheRequestsCorrelationId() {
        String userId = api.registerUser();
        String bookId = api.addBook(1);
        LibraryApi.Response borrowed = api.send("POST", "/borrowings", "application/json",
                "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}", Map.of("X-Correlation-Id", "loan-1"));
        api.send("POST", "/borrowings/" + borrowed.id("borrowingId") + "/return", null, null,
                Map.of("X-Correlation-Id", "loan-1-return"));

        List<EventEnvelope> published;
        try (RecordingEventBridge bus = new RecordingEventBridge();
             EventBridgeClient eventBridge = EventBridgeClient.builder().endpointOverride(bus.endpoint())
                     .region(DynamoDbLocal.REGION).credentialsProvider(DynamoDbLocal.CREDENTIALS)
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            OutboxRelayHandler relay = new OutboxRelayHandler(
                    new OutboxRelay(eventBridge, "library-events", EventCodec.shared(), 3, Duration.ZERO),
                    EventType.Sources.LIBRARY);
            DynamodbEvent batch = new DynamodbEvent();
            batch.setRecords(new StreamRecords(LibraryApi.DYNAMODB).next(api.table));

            assertThat(relay.handleRequest(batch, null).getBatchItemFailures()).isEmpty();
            published = bus.accepted().stream().map(e -> EventCodec.shared().decode(e.detail())).toList();
        }

        assertThat(published).extracting(e -> e.eventType().wireName())
                .containsExactlyInAnyOrder("UserRegistered", "BookAdded", "BookBorrowed", "BookReturned");
        assertThat(published).filteredOn(e -> e.aggregateId().equals(borrowed.id("borrowingId")))
                .extracting(EventEnvelope::sequence, EventEnvelope::correlationId, EventEnvelope::causationId)
                .containsExactly(tuple(1L, "loan-1", null),
                        tuple(2L, "loan-1-return", null));
    }
}
