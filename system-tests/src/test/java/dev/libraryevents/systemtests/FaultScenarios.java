package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Failure behaviour end to end, through AWS's APIs only (Lambda, EventBridge, SQS, CloudFormation) and the REST
 * API, so that the same scenarios run on the local cloud, LocalStack and AWS: duplicates, a consumer that fails
 * until it is fixed, a consumer that is down for a while, an archive replay. Each scenario uses fresh ids and
 * correlation ids, so that they may share one deployment.
 */
final class FaultScenarios {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CONSUMER_QUEUES = List.of("NotificationConsumerQueue", "AnalyticsConsumerQueue",
            "AuditConsumerQueue");

    private final Deployment deployment;
    private final Stack.Api api;

    FaultScenarios(Deployment deployment) {
        this.deployment = deployment;
        this.api = deployment.api;
    }

    /** The same event put on the bus twice takes effect once in every consumer. */
    void duplicatesTakeEffectOnce() throws Exception {
        ObjectNode borrowed = example("BookBorrowed");
        String borrowingId = UUID.randomUUID().toString();
        String userId = UUID.randomUUID().toString();
        borrowed.put("eventId", UUID.randomUUID().toString()).put("aggregateId", borrowingId)
                .put("correlationId", "duplicate-" + borrowingId);
        ((ObjectNode) borrowed.get("data")).put("borrowingId", borrowingId).put("userId", userId);

        put(borrowed);
        put(borrowed);

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION");
            assertThat(api.get("/audit/borrowings/" + borrowingId).body().path("items")).hasSize(1);
        });
        awaitQueuesDrained();
        assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION");
        assertThat(api.get("/audit/users/" + userId).body().path("items")).hasSize(2); // the borrow and its notice
    }

    /**
     * A deployment that breaks the audit consumer (a table it may not use): its events go to the DLQ after three
     * receives while the other consumers go on; fixed and redriven, they take effect.
     */
    void failingEventsWaitInTheDlq_andTakeEffectAfterRedrive() throws Exception {
        String consumer = deployment.function("AuditConsumerFunction");
        String deadLetterQueue = deployment.queue("AuditConsumerDeadLetters");
        String table = deployment.variable(consumer, "TABLE_NAME");
        String correlationId = "poison-" + UUID.randomUUID();
        String userId;
        try {
            deployment.variable(consumer, "TABLE_NAME", "no-such-table");
            userId = api.registerUser(correlationId);

            await().atMost(deployment.patience(deployment.queue("AuditConsumerQueue")))
                    .untilAsserted(() -> assertThat(deployment.deadLetters.show(deadLetterQueue))
                            .anySatisfy(letter -> {
                                assertThat(letter.eventType()).isEqualTo("UserRegistered");
                                assertThat(letter.correlationId()).isEqualTo(correlationId);
                                assertThat(letter.receiveCount()).isGreaterThanOrEqualTo(3);
                            }));
            assertThat(api.notificationKinds(userId)).as("the other consumers are unaffected")
                    .containsExactly("WELCOME");
        } finally {
            deployment.variable(consumer, "TABLE_NAME", table);
        }
        awaitQueuesDrained(); // whatever was still being retried either succeeds now or reaches the DLQ first
        deployment.deadLetters.redrive(deadLetterQueue);

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(api.get("/audit/users/" + userId).body().path("items").findValuesAsText("eventType"))
                    .contains("UserRegistered");
            assertThat(deployment.depth(deadLetterQueue)).isZero();
        });
    }

    /** A consumer whose mapping is disabled for a while loses nothing: its events wait, then take effect. */
    void nothingIsLost_whenAConsumerIsDownForAWhile() throws Exception {
        String consumer = deployment.function("AnalyticsConsumerFunction");
        long borrowingsBefore = api.get("/reports/usage").body().path("totals").path("borrowings").asLong();
        List<String> users;
        String bookId;
        deployment.mappingEnabled(consumer, false);
        try {
            users = List.of(api.registerUser("down-1"), api.registerUser("down-2"), api.registerUser("down-3"));
            bookId = api.addBook("down-book");
            for (String userId : users) {
                assertThat(api.borrow(userId, bookId, "down-borrow").status()).isEqualTo(201);
            }
            String queue = deployment.queue("AnalyticsConsumerQueue");
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(deployment.depth(queue)).isGreaterThanOrEqualTo(3));
            assertThat(api.get("/reports/usage").body().path("totals").path("borrowings").asLong())
                    .isEqualTo(borrowingsBefore);
        } finally {
            deployment.mappingEnabled(consumer, true);
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(api.get("/reports/usage").body().path("totals").path("borrowings").asLong())
                    .isGreaterThanOrEqualTo(borrowingsBefore + 3);
            for (String userId : users) {
                assertThat(api.notificationKinds(userId)).contains("WELCOME", "BORROW_CONFIRMATION");
            }
            assertThat(api.get("/audit/books/" + bookId).body().path("items").findValuesAsText("eventType"))
                    .containsExactly("BookAdded", "BookBorrowed", "BookBorrowed", "BookBorrowed");
        });
    }

    /**
     * Replaying the archive (StartReplay, then DescribeReplay until done) delivers duplicates that change nothing.
     *
     * @param eventsOnTheBus the bus's count of accepted events where the deployment can tell (the local cloud), to
     *                       prove the consumers put nothing new for a duplicate; null where it cannot
     */
    void archiveReplayChangesNothing(LongSupplier eventsOnTheBus) throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        String userId = api.registerUser("replay-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(api.notificationKinds(userId)).containsExactly("WELCOME"));
        awaitQueuesDrained();
        long before = eventsOnTheBus == null ? 0 : awaitQuiet(eventsOnTheBus);
        int trail = api.get("/audit/users/" + userId).body().path("items").size();

        String replayArn = deployment.deadLetters.replay(deployment.busName(), start, Instant.now());
        String replayName = replayArn.substring(replayArn.lastIndexOf('/') + 1);
        await().atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofSeconds(2)).until(() -> deployment.eventBridge
                .describeReplay(r -> r.replayName(replayName)).stateAsString().equals("COMPLETED"));
        awaitQueuesDrained();

        assertThat(api.notificationKinds(userId)).containsExactly("WELCOME");
        assertThat(api.get("/audit/users/" + userId).body().path("items")).hasSize(trail);
        if (eventsOnTheBus != null) {
            assertThat(awaitQuiet(eventsOnTheBus)).as("a replay puts nothing new on the bus").isEqualTo(before);
        }
    }

    /** Until the count has not changed for three seconds; returns it. */
    static long awaitQuiet(LongSupplier count) {
        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).during(Duration.ofSeconds(3))
                .until(() -> last.getAndSet(count.getAsLong()) == count.getAsLong());
        return count.getAsLong();
    }

    private void awaitQueuesDrained() {
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (String queue : CONSUMER_QUEUES) {
                assertThat(deployment.depth(deployment.queue(queue))).as(queue).isZero();
            }
        });
    }

    private void put(ObjectNode envelope) {
        var response = deployment.eventBridge.putEvents(r -> r.entries(e -> e.eventBusName(deployment.busName())
                .source(envelope.path("source").asText()).detailType(envelope.path("eventType").asText())
                .detail(envelope.toString())));
        assertThat(response.failedEntryCount()).isZero();
    }

    static ObjectNode example(String eventType) throws Exception {
        try (InputStream in = FaultScenarios.class.getClassLoader()
                .getResourceAsStream("schemas/" + eventType + "/examples/v1/valid.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }
}
