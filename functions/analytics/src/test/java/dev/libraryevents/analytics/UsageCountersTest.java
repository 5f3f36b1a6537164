package dev.libraryevents.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.analytics.domain.UsageReport;
import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.consumer.EventConsumer;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.SignedIn;
import dev.libraryevents.testing.SqsMessages;
import dev.libraryevents.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class UsageCountersTest {

    private static final DynamoDbLocal DYNAMODB = DynamoDbLocal.shared();
    private static final EventCodec CODEC = EventCodec.shared();
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String BOOK = "5f0c2b9e-8d7a-4c3b-a1e2-f3d4c5b6a7e8";

    private final TestClock clock = new TestClock(T0);
    private final String table = DYNAMODB.createServiceTable("analytics");
    private final UsageCounters counters = new UsageCounters(DYNAMODB.client(), table, clock);
    private final AnalyticsEffects effects = new AnalyticsEffects(counters);
    private final Map<String, Integer> consumerRequests = new ConcurrentHashMap<>();
    private final AnalyticsConsumerHandler consumer = new AnalyticsConsumerHandler(
            new EventConsumer(DYNAMODB.countingClient(consumerRequests), table, CODEC, clock), counters);

    @Test
    void shouldCountTheExampleOfEveryConsumedEventType() {
        deliver(List.of("BookAdded", "UserRegistered", "BookBorrowed", "BookReturned", "LoanRenewed",
                "UserSuspended", "UserReinstated", "NotificationSent", "HoldPlaced", "HoldReady", "HoldFulfilled",
                "HoldCancelled", "HoldExpired").stream().map(type -> (JsonNode) SqsMessages.example(type, "valid"))
                .toList());

        UsageReport report = counters.report();

        assertThat(report.totals()).isEqualTo(new UsageReport.Totals(1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1));
        assertThat(report.popularBooks()).extracting(UsageReport.PopularBook::title, UsageReport.PopularBook::borrowCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("The Pragmatic Programmer", 1L));
        assertThat(report.averageLoanDurationHours()).isEqualTo(222.5);
        assertThat(report.averageHoldWaitHours()).as("placed 28 Nov 16:20, ready 2 Dec 10:00").isEqualTo(89.67);
    }

    @Test
    void shouldCountOnce_whenTheSameEventArrivesThreeTimes() {
        JsonNode borrowed = json(borrowed(UUID.randomUUID().toString(), BOOK, "Dune"));

        deliver(List.of(borrowed));
        deliver(List.of(borrowed, borrowed));

        assertThat(counters.report().totals().borrowings()).isEqualTo(1);
        assertThat(counters.report().popularBooks()).singleElement()
                .extracting(UsageReport.PopularBook::borrowCount).isEqualTo(1L);
        assertThat(summaries()).singleElement().satisfies(summary ->
                assertThat(summary.data()).isEqualTo(new EventData.AnalyticsUpdated(1,
                        List.of("totals.borrowings", "popularBooks", "totals.activeLoans"))));
    }

    @Test
    void shouldCountABatchInOneTransaction_droppingDuplicatesFromBeforeAndWithinIt() {
        String bookId = uuid();
        EventEnvelope counted = borrowed(uuid(), bookId, "Dune");
        deliver(List.of(json(counted)));
        EventEnvelope first = borrowed(uuid(), bookId, "Dune");
        EventEnvelope second = borrowed(uuid(), bookId, "Dune");
        EventEnvelope forged = new EventEnvelope(uuid(), second.eventVersion(), second.occurredAt(),
                second.correlationId(), null, second.aggregateId(), second.sequence(), second.data());
        consumerRequests.clear();

        deliver(List.of(json(counted), json(first), json(first), json(second), json(forged)));

        assertThat(consumerRequests).as("the batch's marks and counters, cancelled by the duplicate's mark, then "
                + "again without it; then the newest summary's number, and the summary's row")
                .containsExactlyInAnyOrderEntriesOf(Map.of("TransactWriteItems", 2, "Query", 1, "PutItem", 1));
        assertThat(counters.report().totals().borrowings()).isEqualTo(3);
        assertThat(counters.report().popularBooks()).singleElement()
                .extracting(UsageReport.PopularBook::borrowCount).isEqualTo(3L);
        assertThat(summaries()).extracting(summary -> ((EventData.AnalyticsUpdated) summary.data()).eventsProcessed())
                .containsExactly(1, 2);
    }

    @Test
    void shouldNumberSummariesOnFromTheNewestKeptRow() {
        deliver(List.of(json(borrowed(uuid(), BOOK, "Dune"))));
        deliver(List.of(json(borrowed(uuid(), BOOK, "Dune"))));

        assertThat(summaries()).extracting(EventEnvelope::sequence).containsExactly(1L, 2L);
        assertThat(DYNAMODB.client().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(item -> item.get("pk").s().startsWith(Outbox.ROW_PREFIX)))
                .as("kept: the newest tells the next number").allSatisfy(row ->
                        assertThat(row).doesNotContainKey(Outbox.EXPIRES_AT));
    }

    @Test
    void shouldPrimeTheBatchTransaction_withoutCountingAnything() {
        new EventConsumer(DYNAMODB.client(), table, CODEC, clock).prime(SqsMessages.batch(List.of(
                json(borrowed(uuid(), BOOK, "Dune")), json(borrowed(uuid(), uuid(), "Emma")))), effects, effects);

        assertThat(DYNAMODB.client().scan(r -> r.tableName(table)).items()).isEmpty();
    }

    @Test
    void shouldReachTheSameReport_inEveryDeliveryOrder_withDuplicates() {
        String borrowingId = UUID.randomUUID().toString();
        EventEnvelope borrowed = borrowed(borrowingId, BOOK, "Dune");
        EventEnvelope returned = EventEnvelope.create(new EventData.BookReturned(borrowingId, uuid(), "Ada", BOOK,
                "Dune", T0, T0.plus(Duration.ofDays(14)), T0.plus(Duration.ofDays(15)), true), borrowingId, 2,
                T0.plus(Duration.ofDays(15)), "req-2", null);
        List<List<EventEnvelope>> orders = List.of(List.of(borrowed, returned), List.of(returned, borrowed),
                List.of(returned, returned, borrowed), List.of(borrowed, returned, borrowed, returned));

        List<UsageReport> reports = new ArrayList<>();
        for (List<EventEnvelope> order : orders) {
            UsageCountersTest fresh = new UsageCountersTest();
            for (EventEnvelope event : order) {
                fresh.deliver(List.of(json(event)));
            }
            reports.add(fresh.counters.report());
        }

        assertThat(reports).allSatisfy(report -> assertThat(report).isEqualTo(reports.get(0)));
        assertThat(reports.get(0).totals().activeLoans()).isZero();
        assertThat(reports.get(0).overdueReturns()).isEqualTo(1);
        assertThat(reports.get(0).averageLoanDurationHours()).isEqualTo(360.0);
    }

    @Test
    void shouldFailOnlyTheInvalidMessage_andSummarizeTheFourCounted() {
        List<JsonNode> events = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            events.add(json(borrowed(uuid(), uuid(), "Title " + i)));
        }
        ObjectNode invalid = json(borrowed(uuid(), uuid(), "X"));
        invalid.put("sequence", 0);
        events.add(1, invalid);
        SQSEvent batch = SqsMessages.batch(events);

        SQSBatchResponse response = consumer.handleRequest(batch, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(batch.getRecords().get(1).getMessageId());
        assertThat(counters.report().totals().borrowings()).isEqualTo(4);
        assertThat(summaries()).singleElement().satisfies(summary -> {
            assertThat(((EventData.AnalyticsUpdated) summary.data()).eventsProcessed()).isEqualTo(4);
            assertThat(summary.aggregateId()).isEqualTo("usage");
            assertThat(summary.causationId()).isEqualTo(events.get(0).path("eventId").asText());
            assertThat(summary.actor()).as("caused by events").isEqualTo(EventEnvelope.Actor.SYSTEM);
        });
    }

    @Test
    void shouldReportTheTenMostBorrowedBooks_throughTheApi() throws Exception {
        List<String> bookIds = java.util.stream.Stream.generate(UsageCountersTest::uuid).limit(12).toList();
        List<JsonNode> events = new ArrayList<>();
        for (int book = 0; book < 12; book++) {
            for (int loan = 0; loan <= book; loan++) {
                events.add(json(borrowed(uuid(), bookIds.get(book), "Title " + book)));
            }
        }
        deliver(events);

        var response = new AnalyticsApiHandler(counters).handleRequest(
                new APIGatewayProxyRequestEvent().withHttpMethod("GET").withPath("/reports/usage")
                        .withRequestContext(SignedIn.librarian().requestContext()), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.getBody());
        assertThat(body.path("popularBooks").findValuesAsText("title")).containsExactly("Title 11", "Title 10",
                "Title 9", "Title 8", "Title 7", "Title 6", "Title 5", "Title 4", "Title 3", "Title 2");
        assertThat(body.path("popularBooks").get(0).path("borrowCount").asInt()).isEqualTo(12);
        assertThat(body.path("totals").path("borrowings").asInt()).isEqualTo(78);
        assertThat(body.path("totals").path("activeLoans").asInt()).isEqualTo(78);
        assertThat(body.fieldNames()).toIterable().containsExactly("generatedAt", "totals", "popularBooks",
                "averageLoanDurationHours", "overdueReturns", "averageHoldWaitHours");
    }

    private void deliver(List<JsonNode> envelopes) {
        for (int from = 0; from < envelopes.size(); from += 10) {
            SQSBatchResponse response = consumer.handleRequest(
                    SqsMessages.batch(envelopes.subList(from, Math.min(from + 10, envelopes.size()))), null);
            assertThat(response.getBatchItemFailures()).isEmpty();
        }
    }

    private List<EventEnvelope> summaries() {
        return DYNAMODB.client().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(item -> item.get("pk").s().startsWith(Outbox.ROW_PREFIX))
                .map(item -> CODEC.decode(item.get(Outbox.EVENT).s())).toList();
    }

    private static EventEnvelope borrowed(String borrowingId, String bookId, String title) {
        return EventEnvelope.create(new EventData.BookBorrowed(borrowingId, uuid(), "Ada", bookId, title, "Author",
                T0, T0.plus(Duration.ofDays(14))), borrowingId, 1, T0, "req-1", null);
    }

    private static ObjectNode json(EventEnvelope event) {
        return CODEC.toJson(event);
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }
}
