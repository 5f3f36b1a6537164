package dev.libraryevents.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.audit.store.AuditItems;
import dev.libraryevents.audit.store.AuditQueries;
import dev.libraryevents.audit.store.Snapshots;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.consumer.EventConsumer;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.support.privacy.DataKeys;
import dev.libraryevents.support.privacy.PersonalData;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.ItemSize;
import dev.libraryevents.testing.SignedIn;
import dev.libraryevents.testing.SqsMessages;
import dev.libraryevents.testing.StandInKms;
import dev.libraryevents.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditTest {

    private static final DynamoDbLocal DYNAMODB = DynamoDbLocal.shared();
    private static final EventCodec CODEC = EventCodec.shared();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private final TestClock clock = new TestClock(T0.plus(Duration.ofDays(30)));
    private final String table = DYNAMODB.createKeysOnlyServiceTable("audit", AuditItems.CORRELATION_INDEX);
    private final AuditEffects log = new AuditEffects(table, CODEC);
    private final AuditConsumerHandler consumer = new AuditConsumerHandler(
            new EventConsumer(DYNAMODB.client(), table, CODEC, clock), log);
    /** KMS is a stand-in (it cannot run here); the key table is DynamoDB Local's. */
    private final PersonalData personalData = new PersonalData(new DataKeys(DYNAMODB.client(),
            DYNAMODB.createKeyTable("keys"), new StandInKms(), StandInKms.KEY_ID, clock));
    private final AuditApiHandler api = new AuditApiHandler(new AuditQueries(DYNAMODB.client(), table, CODEC),
            new Snapshots(DYNAMODB.client(), table), personalData, clock);

    private final String userId = uuid();
    /** Ada's name and email as the Library service publishes them: sealed with her data key. */
    private final PersonalData.Subject ada = registeredSubject(userId);
    private final String adaName = ada.seal("Ada");
    private final String bookId = uuid();
    private final String borrowingId = uuid();

    private final EventEnvelope added = event(new EventData.BookAdded(bookId, "Dune", "Herbert", null, 2), bookId, 1,
            T0, "req-add", null);
    private final EventEnvelope registered = event(new EventData.UserRegistered(userId, adaName, ada.seal("ada@example.org")),
            userId, 1, T0, "req-register", null);
    private final EventEnvelope borrowed = event(new EventData.BookBorrowed(borrowingId, userId, adaName, bookId,
            "Dune", "Herbert", T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(15))), borrowingId, 1,
            T0.plus(Duration.ofDays(1)), "req-borrow", null);
    private final EventEnvelope returned = event(new EventData.BookReturned(borrowingId, userId, adaName, bookId, "Dune",
            T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(15)), T0.plus(Duration.ofDays(3)), false),
            borrowingId, 2, T0.plus(Duration.ofDays(3)), "req-return", null);
    private final EventEnvelope suspended = event(new EventData.UserSuspended(userId, adaName, "late"), userId, 2,
            T0.plus(Duration.ofDays(5)), "req-suspend", null);
    /** The borrow's effects in other services: its confirmation, and the usage summary that counted it. */
    private final EventEnvelope notified = event(new EventData.NotificationSent(uuid(), userId, "BORROW_CONFIRMATION",
            "INBOX"), uuid(), 1, borrowed.occurredAt().plusMillis(40), "req-borrow", borrowed.eventId());
    private final EventEnvelope counted = event(new EventData.AnalyticsUpdated(2, List.of("totals.borrowings")),
            "usage", 7, borrowed.occurredAt().plusMillis(30), "req-borrow", borrowed.eventId());

    @Test
    void shouldStoreAnEventOnceUnderEachEntity_whenItArrivesThreeTimes() {
        deliver(borrowed);
        deliver(borrowed, borrowed);

        assertThat(rows()).extracting(row -> row.get("pk")).containsExactlyInAnyOrder(
                "BORROWING#" + borrowingId, "BOOK#" + bookId, "USER#" + userId);
        assertThat(eventRows()).containsExactly(EventConsumer.markKey(borrowed));
        assertThat(summaries()).singleElement().satisfies(summary -> {
            EventData.AuditLogged logged = (EventData.AuditLogged) summary.data();
            assertThat(logged.entriesWritten()).isEqualTo(3);
            assertThat(logged.firstOccurredAt()).isEqualTo(borrowed.occurredAt());
        });
    }

    @Test
    void shouldFileANotificationUnderItsUserAlone_andASummaryInItsEventRowAlone_bothInTheirTrace() {
        deliver(notified, counted);

        // No route reads a notification's or the usage report's own trail: no row is written for one.
        assertThat(rows()).extracting(row -> row.get("pk")).containsExactly("USER#" + userId);
        assertThat(eventRows()).containsExactlyInAnyOrder(EventConsumer.markKey(notified),
                EventConsumer.markKey(counted));
        assertThat(get("/traces/req-borrow").body().path("events").findValuesAsText("eventId"))
                .containsExactlyInAnyOrder(notified.eventId(), counted.eventId());
        assertThat(get("/audit/users/" + userId).body().path("items").findValuesAsText("eventId"))
                .containsExactly(notified.eventId());
    }

    @Test
    void shouldLogNothing_whenAReturnIsSentAgainUnderANewEventId() {
        deliver(borrowed, returned);
        List<Map<String, String>> before = rows();

        deliver(event(returned.data(), borrowingId, 2, returned.occurredAt().plusSeconds(60), "req-forged", null));

        assertThat(rows()).containsExactlyInAnyOrderElementsOf(before);
        assertThat(eventRows()).containsExactlyInAnyOrder(EventConsumer.markKey(borrowed),
                EventConsumer.markKey(returned));
    }

    @Test
    void shouldOnlyEverPut_neverUpdateOrDelete() {
        for (EventEnvelope event : List.of(added, registered, borrowed, returned, suspended)) {
            assertThat(log.effects(event)).allSatisfy(write -> {
                assertThat(write.put()).isNotNull();
                assertThat(write.put().conditionExpression()).isEqualTo("attribute_not_exists(pk)");
                assertThat(write.update()).isNull();
                assertThat(write.delete()).isNull();
            });
        }
    }

    /** A write costs a unit per started KB: a trail row holds its keys and the event, nothing the event says. */
    @Test
    void shouldWriteEachTrailRowOfABorrowWithinOneWriteUnit_forALongTitleAndName() {
        String title = "The Hitchhiker's Guide to the Galaxy: The Trilogy";
        String name = ada.seal("Maria Fernanda Oliveira");
        EventEnvelope longReturn = event(new EventData.BookReturned(borrowingId, userId, name, bookId, title,
                T0.plus(Duration.ofDays(1)), T0.plus(Duration.ofDays(15)), T0.plus(Duration.ofDays(3)), false),
                borrowingId, 2, T0.plus(Duration.ofDays(3)), UUID.randomUUID().toString(), null);

        assertThat(log.effects(longReturn)).hasSize(3).allSatisfy(write -> {
            assertThat(write.put().item()).containsOnlyKeys("pk", "sk", "event");
            assertThat(ItemSize.bytes(write.put().item())).isLessThanOrEqualTo(ItemSize.ONE_WRITE_UNIT);
        });
    }

    @Test
    void shouldReachTheSameLog_inEveryDeliveryOrder_withDuplicates() {
        List<List<EventEnvelope>> orders = List.of(List.of(borrowed, returned), List.of(returned, borrowed),
                List.of(returned, borrowed, returned, borrowed), List.of(borrowed, borrowed, returned));
        List<List<String>> logs = new ArrayList<>();
        List<JsonNode> states = new ArrayList<>();
        for (List<EventEnvelope> order : orders) {
            AuditTest fresh = new AuditTest();
            order.forEach(event -> fresh.deliver(event));
            logs.add(fresh.rows().stream().map(row -> row.get("pk") + " " + row.get("sk")).sorted().toList());
            states.add(fresh.get("/audit/borrowings/" + borrowingId + "/state").body());
        }

        assertThat(logs).allSatisfy(log -> assertThat(log).isEqualTo(logs.get(0)));
        assertThat(states).allSatisfy(state -> assertThat(state).isEqualTo(states.get(0)));
        assertThat(states.get(0).path("status").asText()).isEqualTo("RETURNED");
    }

    @Test
    void shouldFailOnlyTheInvalidMessage_andCommitTheOthers() {
        List<JsonNode> events = new ArrayList<>(List.of(CODEC.toJson(added), CODEC.toJson(registered),
                CODEC.toJson(borrowed), CODEC.toJson(returned)));
        ObjectNode invalid = CODEC.toJson(suspended);
        invalid.put("eventId", "not-a-uuid");
        events.add(3, invalid);
        SQSEvent batch = SqsMessages.batch(events);

        SQSBatchResponse response = consumer.handleRequest(batch, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(batch.getRecords().get(3).getMessageId());
        assertThat(eventRows()).hasSize(4);
    }

    @Test
    void shouldListATrailOldestFirst() {
        deliver(suspended, returned, registered, borrowed, added);

        Response trail = get("/audit/users/" + userId);

        assertThat(trail.status()).isEqualTo(200);
        assertThat(trail.body().path("items").findValuesAsText("eventType"))
                .containsExactly("UserRegistered", "BookBorrowed", "BookReturned", "UserSuspended");
        assertThat(trail.body().path("items").get(0).fieldNames()).toIterable().containsExactly("eventId",
                "eventType", "occurredAt", "correlationId", "causationId", "data");
        assertThat(get("/audit/books/" + uuid()).status()).isEqualTo(404);
    }

    @Test
    void shouldRebuildAUserAndABookAsTheyStoodAtAnyInstant() {
        deliver(added, registered, borrowed, returned, suspended);
        String user = "/audit/users/" + userId + "/state?at=";
        String book = "/audit/books/" + bookId + "/state?at=";

        assertThat(get(user + T0.plus(Duration.ofDays(2))).body().path("status").asText()).isEqualTo("ACTIVE");
        assertThat(get(user + T0.plus(Duration.ofDays(2))).body().path("activeLoans").asInt()).isEqualTo(1);
        assertThat(get(user + T0.plus(Duration.ofDays(6))).body().path("status").asText()).isEqualTo("SUSPENDED");
        assertThat(get(user + T0.minusSeconds(1)).status()).isEqualTo(404);
        assertThat(get(book + T0.plus(Duration.ofDays(2))).body().path("availableCopies").asInt()).isEqualTo(1);
        assertThat(get(book + T0.plus(Duration.ofDays(1))).body().path("availableCopies").asInt())
                .as("an event at exactly that instant counts").isEqualTo(1);
        assertThat(get(book + T0.plus(Duration.ofDays(4))).body().path("availableCopies").asInt()).isEqualTo(2);
        assertThat(get(book + "yesterday").body().path("type").asText()).isEqualTo("urn:problem:validation-failed");
    }

    @Test
    void shouldFoldAReinstatement_intoTheUsersTrailAndState() {
        deliver(added, registered, borrowed, returned, suspended, event(new EventData.UserReinstated(userId,
                T0.plus(Duration.ofDays(8))), userId, 3, T0.plus(Duration.ofDays(8)), "req-reinstate", null));
        String user = "/audit/users/" + userId + "/state?at=";

        assertThat(get("/audit/users/" + userId).body().path("items").findValuesAsText("eventType"))
                .containsExactly("UserRegistered", "BookBorrowed", "BookReturned", "UserSuspended", "UserReinstated");
        assertThat(get(user + T0.plus(Duration.ofDays(6))).body().path("status").asText()).isEqualTo("SUSPENDED");
        assertThat(get(user + T0.plus(Duration.ofDays(9))).body().path("status").asText()).isEqualTo("ACTIVE");
    }

    /**
     * docs/design.md §4d: a hold's trail and its state at any instant; its events are in its book's trail, whose
     * state shows the queue then, and in its member's.
     */
    @Test
    void shouldKeepAHoldsTrail_andShowABooksQueueAtAnyInstant() {
        String holdId = uuid();
        String second = uuid();
        String bea = uuid();
        Instant placedAt = T0.plus(Duration.ofHours(30));
        Instant readyAt = T0.plus(Duration.ofDays(3));
        deliver(added, registered, borrowed,
                event(new EventData.HoldPlaced(holdId, userId, adaName, bookId, "Dune", 1, placedAt), holdId, 1,
                        placedAt, "req-hold", null),
                event(new EventData.HoldPlaced(second, bea, adaName, bookId, "Dune", 2, placedAt.plusSeconds(60)),
                        second, 1, placedAt.plusSeconds(60), "req-hold-2", null),
                returned,
                event(new EventData.HoldReady(holdId, userId, adaName, bookId, "Dune", placedAt, readyAt,
                        readyAt.plus(Duration.ofDays(3))), holdId, 2, readyAt, "req-return", returned.eventId()));

        assertThat(get("/audit/holds/" + holdId).body().path("items").findValuesAsText("eventType"))
                .containsExactly("HoldPlaced", "HoldReady");
        assertThat(get("/audit/holds/" + holdId + "/state?at=" + placedAt).body().path("status").asText())
                .isEqualTo("PLACED");
        assertThat(get("/audit/holds/" + holdId + "/state").body().path("pickupBy").asText())
                .isEqualTo("2026-11-28T10:00:00.000Z");
        JsonNode bookThen = get("/audit/books/" + bookId + "/state?at=" + placedAt.plusSeconds(90)).body();
        assertThat(bookThen.path("queue").findValuesAsText("holdId")).containsExactly(holdId, second);
        assertThat(bookThen.path("holdsWaiting").asInt()).isEqualTo(2);
        JsonNode bookNow = get("/audit/books/" + bookId + "/state").body();
        assertThat(bookNow.path("queue").findValuesAsText("status")).containsExactly("READY", "PLACED");
        assertThat(List.of(bookNow.path("availableCopies").asInt(), bookNow.path("onHoldShelf").asInt(),
                bookNow.path("holdsWaiting").asInt())).as("2 copies: one on the shelf, one set aside")
                .containsExactly(1, 1, 1);
        assertThat(get("/audit/users/" + userId).body().path("items").findValuesAsText("eventType"))
                .contains("HoldPlaced", "HoldReady");
    }

    @Test
    void shouldRebuildTheWholeSystemIntoASnapshot() {
        deliver(added, registered, borrowed, returned, suspended);

        Response taken = send("POST", "/audit/snapshots");
        Response stored = get(taken.headers().get("Location"));

        assertThat(taken.status()).isEqualTo(201);
        assertThat(taken.body().path("counts")).isEqualTo(JSON.valueToTree(Map.of("books", 1, "users", 1,
                "borrowings", 1, "holds", 0)));
        assertThat(stored.status()).isEqualTo(200);
        assertThat(stored.body().path("snapshotId")).isEqualTo(taken.body().path("snapshotId"));
        assertThat(stored.body().path("users").get(0).path("status").asText()).isEqualTo("SUSPENDED");
        assertThat(stored.body().path("books").get(0).path("availableCopies").asInt()).isEqualTo(2);
        assertThat(get("/audit/snapshots/" + uuid()).status()).isEqualTo(404);
    }

    @Test
    void shouldShowNamesAndEmailsInClear_andErasedOnesAsErased_inTrailsStatesAndSnapshots() {
        deliver(added, registered, borrowed, returned, suspended);
        String snapshot = send("POST", "/audit/snapshots").headers().get("Location");
        String state = "/audit/users/" + userId + "/state";

        assertThat(get("/audit/users/" + userId).body().path("items").get(0).path("data").path("email").asText())
                .isEqualTo("ada@example.org");
        assertThat(get(state).body().path("name").asText()).isEqualTo("Ada");
        assertThat(get(snapshot).body().path("users").get(0).path("name").asText()).isEqualTo("Ada");
        assertThat(rows().toString()).as("the log keeps them sealed").doesNotContain("\"name\":\"Ada\"").doesNotContain("ada@example.org");

        DYNAMODB.client().transactWriteItems(r -> r.transactItems(personalData.keys().delete(userId)));
        deliver(event(new EventData.UserErased(userId, T0.plus(Duration.ofDays(7))), userId, 3,
                T0.plus(Duration.ofDays(7)), "req-erase", null));

        Response trail = get("/audit/users/" + userId);
        assertThat(trail.body().path("items").findValuesAsText("eventType")).containsExactly("UserRegistered",
                "BookBorrowed", "BookReturned", "UserSuspended", "UserErased");
        assertThat(trail.body().path("items").get(0).path("data").path("name").asText())
                .isEqualTo(PersonalData.ERASED);
        assertThat(trail.body().path("items").get(0).path("data").path("email").asText())
                .isEqualTo(PersonalData.ERASED);
        assertThat(get("/audit/borrowings/" + borrowingId).body().path("items").findValuesAsText("userName"))
                .containsOnly(PersonalData.ERASED);
        assertThat(get(state).body().path("name").asText()).isEqualTo(PersonalData.ERASED);
        assertThat(get(state + "?at=" + T0.plus(Duration.ofDays(2))).body().path("email").asText())
                .as("a past state too: the key is gone for every instant").isEqualTo(PersonalData.ERASED);
        assertThat(get(snapshot).body().path("users").get(0).path("name").asText()).isEqualTo(PersonalData.ERASED);
    }

    @Test
    void shouldTraceABorrowRequest_causesBeforeEffects() {
        EventEnvelope countedNotification = event(new EventData.AnalyticsUpdated(1, List.of("totals.notificationsSent")),
                "usage", 8, borrowed.occurredAt().plusMillis(20), "req-borrow", notified.eventId());
        deliver(countedNotification, notified, counted, borrowed, returned);

        Response trace = get("/traces/req-borrow");

        assertThat(trace.body().path("events").findValuesAsText("eventId")).containsExactly(borrowed.eventId(),
                counted.eventId(), notified.eventId(), countedNotification.eventId());
        assertThat(trace.body().path("events").get(1).path("causationId").asText()).isEqualTo(borrowed.eventId());
        assertThat(get("/traces/nothing-here").status()).isEqualTo(404);
    }

    @Test
    void shouldShowWhoCausedEachEvent_inTrailsAndTraces() {
        String librarian = uuid();
        String newBook = uuid();
        EventEnvelope byALibrarian = EventEnvelope.create(new EventData.BookAdded(newBook, "Dune", "Frank Herbert",
                null, 2), newBook, 1, borrowed.occurredAt().plusMillis(5), "req-actor", null,
                EventEnvelope.Actor.librarian(librarian));
        EventEnvelope bySystem = EventEnvelope.create(new EventData.AnalyticsUpdated(1, List.of("totals.borrowings")),
                "usage", 9, borrowed.occurredAt().plusMillis(10), "req-actor", byALibrarian.eventId(),
                EventEnvelope.Actor.SYSTEM);
        deliver(byALibrarian, bySystem, registered);

        JsonNode trace = get("/traces/req-actor").body().path("events");
        assertThat(trace.get(0).path("actor").path("role").asText()).isEqualTo("librarian");
        assertThat(trace.get(0).path("actor").path("sub").asText()).isEqualTo(librarian);
        assertThat(trace.get(1).path("actor").path("role").asText()).isEqualTo("system");
        assertThat(trace.get(1).path("actor").has("sub")).isFalse();
        assertThat(get("/audit/users/" + userId).body().path("items").get(0).has("actor"))
                .as("an event from before the field shows none").isFalse();
    }

    record Response(int status, JsonNode body, Map<String, String> headers) {}

    private Response get(String pathAndQuery) {
        return send("GET", pathAndQuery);
    }

    private Response send(String method, String pathAndQuery) {
        String[] parts = pathAndQuery.split("\\?", 2);
        APIGatewayProxyRequestEvent request = new APIGatewayProxyRequestEvent().withHttpMethod(method)
                .withPath(parts[0]).withRequestContext(SignedIn.librarian().requestContext());
        if (parts.length == 2) {
            String[] query = parts[1].split("=", 2);
            request.setQueryStringParameters(Map.of(query[0], query[1]));
        }
        var response = api.handleRequest(request, null);
        try {
            return new Response(response.getStatusCode(), JSON.readTree(response.getBody()), response.getHeaders());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void deliver(EventEnvelope... events) {
        SQSBatchResponse response = consumer.handleRequest(
                SqsMessages.batch(List.of(events).stream().map(e -> (JsonNode) CODEC.toJson(e)).toList()), null);
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    /** The audit rows proper: not the consumer's dedupe marks or outbox. */
    private List<Map<String, String>> rows() {
        return DYNAMODB.client().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(item -> !item.get("pk").s().startsWith(EventConsumer.PROCESSED_PREFIX)
                        && !item.get("pk").s().startsWith(Outbox.ROW_PREFIX))
                .map(item -> Map.of("pk", item.get("pk").s(), "sk", item.get("sk").s())).toList();
    }

    /** The {@code EVENT} rows, one per event logged, keyed by the aggregate version (the consumer's marks). */
    private List<String> eventRows() {
        return DYNAMODB.client().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(item -> item.get("sk").s().equals("EVENT")).map(item -> item.get("pk").s()).toList();
    }

    private List<EventEnvelope> summaries() {
        return DYNAMODB.client().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(item -> item.get("pk").s().startsWith(Outbox.ROW_PREFIX))
                .map(item -> CODEC.decode(item.get(Outbox.EVENT).s())).toList();
    }

    private static EventEnvelope event(EventData data, String aggregateId, long sequence, Instant at,
                                       String correlationId, String causationId) {
        return EventEnvelope.create(data, aggregateId, sequence, at, correlationId, causationId);
    }

    private PersonalData.Subject registeredSubject(String userId) {
        PersonalData.Subject subject = personalData.newSubject(userId);
        DYNAMODB.client().transactWriteItems(r -> r.transactItems(personalData.keys().store(subject.key())));
        return subject;
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }
}
