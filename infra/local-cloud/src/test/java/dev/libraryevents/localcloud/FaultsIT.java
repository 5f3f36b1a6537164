package dev.libraryevents.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.ops.DeadLetters;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Failure behaviour end to end: duplicates, a consumer that fails until it is fixed, a consumer that is down for a
 * while, and the number of events one borrow causes. Queue visibility is shortened to 3 s so that 3 receives take
 * seconds; everything else is the template's.
 */
class FaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCloud cloud;
    private static Stack.Api api;
    private static SqsClient sqs;
    private static EventBridgeClient eventBridge;
    private static DeadLetters deadLetters;

    @BeforeAll
    static void startTheLocalCloud() throws Exception {
        cloud = Stack.start(null, Duration.ofSeconds(3));
        api = new Stack.Api(cloud.apiUrl());
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"));
        sqs = SqsClient.builder().endpointOverride(cloud.awsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        eventBridge = EventBridgeClient.builder().endpointOverride(cloud.awsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        deadLetters = new DeadLetters(sqs, eventBridge);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void shouldTakeEffectOnce_whenTheSameEventIsPutTwice() throws Exception {
        ObjectNode borrowed = example("BookBorrowed");
        String borrowingId = UUID.randomUUID().toString();
        String userId = UUID.randomUUID().toString();
        borrowed.put("eventId", UUID.randomUUID().toString()).put("aggregateId", borrowingId);
        ((ObjectNode) borrowed.get("data")).put("borrowingId", borrowingId).put("userId", userId);

        put(borrowed);
        put(borrowed);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION");
            assertThat(api.get("/audit/borrowings/" + borrowingId).body().path("items")).hasSize(1);
        });
        awaitQueuesDrained();
        assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION");
        assertThat(api.get("/audit/users/" + userId).body().path("items")).hasSize(2); // the borrow and its notice
    }

    @Test
    void shouldParkAFailingEventInTheDlq_andProcessItAfterRedrive_onceFixed() throws Exception {
        String table = cloud.functionEnvironment("AuditConsumerFunction", "TABLE_NAME");
        String userId;
        try {
            // A deployment that broke the audit consumer: every event it receives now fails.
            cloud.functionEnvironment("AuditConsumerFunction", "TABLE_NAME", "no-such-table");
            userId = api.registerUser("poison-1");

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(deadLetters.show(auditDlq().name()))
                    .anySatisfy(letter -> {
                        assertThat(letter.eventType()).isEqualTo("UserRegistered");
                        assertThat(letter.correlationId()).isEqualTo("poison-1");
                        assertThat(letter.receiveCount()).isGreaterThanOrEqualTo(3);
                    }));
            assertThat(api.notificationKinds(userId)).as("the other consumers are unaffected")
                    .containsExactly("WELCOME");
        } finally {
            cloud.functionEnvironment("AuditConsumerFunction", "TABLE_NAME", table);
        }
        awaitQueuesDrained(); // whatever was still being retried either succeeds now or reaches the DLQ first
        deadLetters.redrive(auditDlq().name());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(api.get("/audit/users/" + userId).body().path("items").findValuesAsText("eventType"))
                    .contains("UserRegistered");
            assertThat(auditDlq().depth()).isZero();
        });
    }

    @Test
    void shouldLoseNothing_whenAConsumerIsDownForAWhile() throws Exception {
        long borrowingsBefore = api.get("/reports/usage").body().path("totals").path("borrowings").asLong();
        cloud.pauseConsumer("AnalyticsConsumerFunction", true);
        List<String> users = List.of(api.registerUser("down-1"), api.registerUser("down-2"),
                api.registerUser("down-3"));
        String bookId = api.addBook("down-book");
        for (String userId : users) {
            assertThat(api.borrow(userId, bookId, "down-borrow").status()).isEqualTo(201);
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(waiting("AnalyticsConsumerQueue")).isGreaterThanOrEqualTo(3));
        assertThat(api.get("/reports/usage").body().path("totals").path("borrowings").asLong())
                .isEqualTo(borrowingsBefore);

        cloud.pauseConsumer("AnalyticsConsumerFunction", false);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(api.get("/reports/usage").body().path("totals").path("borrowings").asLong())
                    .isEqualTo(borrowingsBefore + 3);
            for (String userId : users) {
                assertThat(api.notificationKinds(userId)).contains("WELCOME", "BORROW_CONFIRMATION");
            }
            assertThat(api.get("/audit/books/" + bookId).body().path("items").findValuesAsText("eventType"))
                    .containsExactly("BookAdded", "BookBorrowed", "BookBorrowed", "BookBorrowed");
        });
    }

    @Test
    void shouldCauseABoundedNumberOfEvents_perBorrow() throws Exception {
        String userId = api.registerUser("bound-user");
        String bookId = api.addBook("bound-book");

        assertThat(api.borrow(userId, bookId, "bound-borrow").status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(cloud.eventsOf("bound-borrow"))
                .contains("BookBorrowed", "NotificationSent"));
        awaitQueuesDrained();
        awaitQuiet();

        // The borrow, its notification, and at most one summary per consumer batch that took in one of this
        // request's events: AnalyticsUpdated for the two library/notification events, AuditLogged for those and
        // for the two AnalyticsUpdated. Summaries cause no further summaries, so the chain stops there.
        List<String> caused = cloud.eventsOf("bound-borrow");
        assertThat(caused).filteredOn("BookBorrowed"::equals).hasSize(1);
        assertThat(caused).filteredOn("NotificationSent"::equals).hasSize(1);
        assertThat(caused).filteredOn("AnalyticsUpdated"::equals).hasSizeLessThanOrEqualTo(2);
        assertThat(caused).filteredOn("AuditLogged"::equals).hasSizeLessThanOrEqualTo(4);
        assertThat(caused).hasSizeLessThanOrEqualTo(8)
                .allMatch(type -> List.of("BookBorrowed", "NotificationSent", "AnalyticsUpdated", "AuditLogged")
                        .contains(type));
    }

    @Test
    void shouldReplayArchivedEvents_asDuplicatesThatChangeNothing() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        String userId = api.registerUser("replay-1");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(api.notificationKinds(userId)).containsExactly("WELCOME"));
        awaitQueuesDrained();
        awaitQuiet();
        long before = cloud.eventsPut();

        deadLetters.replay("library-events", start, Instant.now());
        awaitQueuesDrained();
        awaitQuiet();

        assertThat(api.notificationKinds(userId)).containsExactly("WELCOME");
        assertThat(cloud.eventsPut()).as("a replay puts nothing new on the bus").isEqualTo(before);
    }

    private static DeadLetters.DeadLetterQueue auditDlq() {
        return deadLetters.list().stream().filter(dlq -> dlq.name().startsWith("AuditConsumerDeadLetters"))
                .findFirst().orElseThrow();
    }

    private static long waiting(String queuePrefix) {
        String url = sqs.listQueues(r -> r.queueNamePrefix(queuePrefix)).queueUrls().get(0);
        var attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static void awaitQueuesDrained() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String queue : List.of("NotificationConsumerQueue", "AnalyticsConsumerQueue", "AuditConsumerQueue")) {
                assertThat(waiting(queue)).as(queue).isZero();
            }
        });
    }

    /** Until nothing new has reached the bus for three seconds. */
    private static void awaitQuiet() {
        AtomicLong last = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).during(Duration.ofSeconds(3))
                .until(() -> last.getAndSet(cloud.eventsPut()) == cloud.eventsPut());
    }

    private static void put(ObjectNode envelope) {
        var response = eventBridge.putEvents(r -> r.entries(e -> e.eventBusName("library-events")
                .source(envelope.path("source").asText()).detailType(envelope.path("eventType").asText())
                .detail(envelope.toString())));
        assertThat(response.failedEntryCount()).isZero();
    }

    private static ObjectNode example(String eventType) throws Exception {
        try (InputStream in = FaultsIT.class.getClassLoader()
                .getResourceAsStream("schemas/" + eventType + "/examples/v1/valid.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }
}
