package dev.libraryevents.notification;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.EventType;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.notification.store.NotificationTable;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class NotificationEffectsTest {

    private static final DynamoDbLocal DYNAMODB = DynamoDbLocal.shared();
    private static final EventCodec CODEC = EventCodec.shared();
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    /** A name as producers write it, sealed (schemas/personal-data.json); hold notices do not open it. */
    private static final String SEALED_NAME =
            "pd1:0b7e4c1a-3f2d-4e5b-9a8c-1d2e3f4a5b6c:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJw";

    private final TestClock clock = new TestClock(T0);
    private final String table = DYNAMODB.createServiceTable("notification", NotificationTable.DUE_INDEX);
    // Events in clear (version 1's form): nothing to open, no personal data; no email.
    private final NotificationTable notifications =
            new NotificationTable(DYNAMODB.client(), table, new Outbox(table, CODEC));
    private final NotificationEmails noEmail = new NotificationEmails(notifications, Optional.empty(), null);
    private final NotificationEffects effects = new NotificationEffects(notifications, noEmail, null, null, clock);
    private final Reminders reminders = new Reminders(notifications, DYNAMODB.client(), noEmail, null, clock);
    private final Inbox inbox = new Inbox(notifications);
    private final NotificationConsumerHandler consumer = new NotificationConsumerHandler(
            new EventConsumer(DYNAMODB.client(), table, CODEC, clock), effects);

    private final String userId = UUID.randomUUID().toString();
    private final String bookId = UUID.randomUUID().toString();

    @Test
    void shouldNotifyOnce_whenTheSameEventArrivesThreeTimes() {
        EventEnvelope registered = registered(userId);

        deliver(registered);
        deliver(registered, registered);

        assertThat(inbox.of(userId)).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(Notification.Kind.WELCOME);
            assertThat(n.message()).isEqualTo("Welcome to the library, Ada!");
            assertThat(n.sourceEventId()).isEqualTo(registered.eventId());
        });
        assertThat(outbox()).singleElement().satisfies(sent -> {
            assertThat(sent.data()).isEqualTo(new EventData.NotificationSent(
                    inbox.of(userId).get(0).notificationId(), userId, "WELCOME", "INBOX"));
            assertThat(sent.causationId()).isEqualTo(registered.eventId());
            assertThat(sent.correlationId()).isEqualTo(registered.correlationId());
            assertThat(sent.actor()).as("caused by an event").isEqualTo(EventEnvelope.Actor.SYSTEM);
        });
    }

    @Test
    void shouldRecordAnEventWithOneConditionalPutPerItem_withoutATransactionOrARead() {
        Map<String, Integer> requests = new ConcurrentHashMap<>();
        DynamoDbClient counting = DYNAMODB.countingClient(requests);
        NotificationTable countedTable = new NotificationTable(counting, table, new Outbox(table, CODEC));
        NotificationEffects counted = new NotificationEffects(countedTable,
                new NotificationEmails(countedTable, Optional.empty(), null), null, null, clock);
        NotificationConsumerHandler countedConsumer = new NotificationConsumerHandler(
                new EventConsumer(counting, table, CODEC, clock), counted);
        EventEnvelope borrowed = borrowed(UUID.randomUUID().toString(), userId, T0.plus(Duration.ofDays(14)), T0);

        SQSBatchResponse response = countedConsumer.handleRequest(SqsMessages.batch(List.of(json(borrowed))), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(requests).as("the mark, the loan, the inbox row, the NotificationSent row")
                .containsExactlyEntriesOf(Map.of("PutItem", 4));
        assertThat(outbox()).singleElement().extracting(EventEnvelope::eventType)
                .isEqualTo(EventType.NOTIFICATION_SENT);
    }

    @Test
    void shouldReachTheSameInboxAndLoans_inEveryDeliveryOrder_withDuplicates() {
        String borrowingId = UUID.randomUUID().toString();
        EventEnvelope borrowed = borrowed(borrowingId, userId, T0.plus(Duration.ofDays(1)), T0);
        EventEnvelope returned = returned(borrowingId, userId, T0.plus(Duration.ofDays(1)), T0.plusSeconds(60));
        List<List<EventEnvelope>> orders = List.of(
                List.of(borrowed, returned),
                List.of(returned, borrowed),
                List.of(returned, borrowed, returned),
                List.of(borrowed, borrowed, returned, borrowed));

        List<List<String>> inboxes = new ArrayList<>();
        for (List<EventEnvelope> order : orders) {
            NotificationEffectsTest fresh = new NotificationEffectsTest();
            order.forEach(event -> fresh.deliver(event));
            inboxes.add(fresh.inbox.of(userId).stream()
                    .map(n -> n.notificationId() + " " + n.kind() + " " + n.message()).toList());
            fresh.clock.set(T0.plus(Duration.ofHours(12)));
            assertThat(fresh.reminders.send()).as("no reminder for a returned loan").isZero();
        }

        assertThat(inboxes).allSatisfy(inbox -> assertThat(inbox).isEqualTo(inboxes.get(0)));
        assertThat(inboxes.get(0)).hasSize(2);
    }

    @Test
    void shouldTellAReinstatedUser_thatTheyMayBorrowAgain() {
        deliver(registered(userId), suspended(userId), EventEnvelope.create(new EventData.UserReinstated(userId,
                T0.plusSeconds(180)), userId, 3, T0.plusSeconds(180), "req-reinstate", null));

        assertThat(inbox.of(userId)).filteredOn(n -> n.kind() == Notification.Kind.ACCOUNT_REINSTATED)
                .singleElement().satisfies(n -> {
            assertThat(n.message()).isEqualTo("Your account is active again: you may borrow books.");
        });
    }

    /** docs/design.md §4d: the member hears when a copy waits for them, until when, and when that time ran out. */
    @Test
    void shouldTellAHolderTheirCopyWaits_untilWhen_andWhenItExpired() {
        String holdId = UUID.randomUUID().toString();
        Instant pickupBy = T0.plus(Duration.ofDays(3));
        deliver(registered(userId),
                EventEnvelope.create(new EventData.HoldReady(holdId, userId, SEALED_NAME, bookId, "Dune",
                        T0.minus(Duration.ofDays(5)), T0, pickupBy), holdId, 2, T0, "req-return", null),
                EventEnvelope.create(new EventData.HoldExpired(holdId, userId, bookId, "Dune", pickupBy,
                        pickupBy.plusSeconds(30)), holdId, 3, pickupBy.plusSeconds(30), "hold-expiry", null));

        assertThat(inbox.of(userId)).extracting(Notification::kind, Notification::message).contains(
                org.assertj.core.groups.Tuple.tuple(Notification.Kind.HOLD_READY,
                        "\"Dune\" is waiting for you. Please collect it by 2026-11-25 10:00 UTC."),
                org.assertj.core.groups.Tuple.tuple(Notification.Kind.HOLD_EXPIRED,
                        "Your hold on \"Dune\" has expired: it was not collected by 2026-11-25 10:00 UTC."));
    }

    @Test
    void shouldFailOnlyTheInvalidMessage_andCommitTheOthers() {
        List<JsonNode> good = List.of(json(registered(userId)), json(registered(UUID.randomUUID().toString())),
                json(borrowed(UUID.randomUUID().toString(), userId, T0.plus(Duration.ofDays(14)), T0)),
                json(suspended(userId)));
        JsonNode invalid = json(registered(UUID.randomUUID().toString())).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) invalid.get("data")).remove("email");
        List<JsonNode> all = new ArrayList<>(good);
        all.add(2, invalid);
        SQSEvent batch = SqsMessages.batch(all);

        SQSBatchResponse response = consumer.handleRequest(batch, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(batch.getRecords().get(2).getMessageId());
        assertThat(outbox()).hasSize(4);
        assertThat(inbox.of(userId)).extracting(Notification::kind).containsExactlyInAnyOrder(
                Notification.Kind.WELCOME, Notification.Kind.BORROW_CONFIRMATION, Notification.Kind.ACCOUNT_SUSPENDED);
    }

    @Test
    void shouldRemindOfLoansDueWithinTwoDays_andOverdueOnes_oncePerDay() {
        String dueTomorrow = UUID.randomUUID().toString();
        String dueNextWeek = UUID.randomUUID().toString();
        String overdue = UUID.randomUUID().toString();
        deliver(borrowed(dueTomorrow, userId, T0.plus(Duration.ofDays(1)), T0.minus(Duration.ofDays(13))),
                borrowed(dueNextWeek, userId, T0.plus(Duration.ofDays(7)), T0.minus(Duration.ofDays(7))),
                borrowed(overdue, userId, T0.minus(Duration.ofDays(3)), T0.minus(Duration.ofDays(17))));

        assertThat(reminders.send()).isEqualTo(2);
        clock.advance(Duration.ofHours(6));
        assertThat(reminders.send()).as("a second run the same day").isZero();

        assertThat(inbox.of(userId)).filteredOn(n -> n.sourceEventId() == null)
                .extracting(Notification::kind, Notification::message)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Notification.Kind.DUE_REMINDER,
                                "\"Dune\" is due on 2026-11-23."),
                        org.assertj.core.groups.Tuple.tuple(Notification.Kind.OVERDUE_NOTICE,
                                "\"Dune\" was due on 2026-11-19. Please return it."));
        clock.advance(Duration.ofDays(1));
        assertThat(reminders.send()).as("the next day, both are still out").isEqualTo(2);
    }

    @Test
    void shouldRemindOfARenewedLoanOnlyByItsNewDueDate_inEitherDeliveryOrder() {
        String borrowingId = UUID.randomUUID().toString();
        Instant firstDue = T0.plus(Duration.ofDays(3)); // its reminder would go out tomorrow
        Instant renewedDue = T0.plus(Duration.ofDays(14));
        EventEnvelope renewed = EventEnvelope.create(new EventData.LoanRenewed(borrowingId, userId, bookId, "Dune",
                firstDue, renewedDue, 1, T0), borrowingId, 2, T0, "req-renew", null);
        deliver(renewed, borrowed(borrowingId, userId, firstDue, T0.minus(Duration.ofDays(11)))); // the late one loses

        clock.advance(Duration.ofDays(1));
        assertThat(reminders.send()).as("the day the old date's reminder was due").isZero();
        clock.advance(Duration.ofDays(11));
        assertThat(reminders.send()).isEqualTo(1);

        assertThat(inbox.of(userId)).extracting(Notification::kind, Notification::message).contains(
                org.assertj.core.groups.Tuple.tuple(Notification.Kind.RENEWAL_CONFIRMATION,
                        "You renewed \"Dune\". Please return it by 2026-12-06."),
                org.assertj.core.groups.Tuple.tuple(Notification.Kind.DUE_REMINDER,
                        "\"Dune\" is due on 2026-12-06."));
        assertThat(inbox.of(userId)).filteredOn(n -> n.kind() == Notification.Kind.DUE_REMINDER)
                .as("no reminder for the old date").singleElement()
                .extracting(Notification::message).asString().doesNotContain("2026-11-25");
    }

    @Test
    void shouldListAUsersNotificationsNewestFirst_throughTheApi() throws Exception {
        deliver(registered(userId), suspended(userId));
        NotificationApiHandler api = new NotificationApiHandler(inbox);

        var response = api.handleRequest(new APIGatewayProxyRequestEvent().withHttpMethod("GET")
                .withPath("/users/" + userId + "/notifications")
                .withRequestContext(new SignedIn(userId, "ada@example.org", null).requestContext()), null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode items = new ObjectMapper().readTree(response.getBody()).path("items");
        assertThat(items.findValuesAsText("kind")).containsExactly("ACCOUNT_SUSPENDED", "WELCOME");
        assertThat(items.get(0).fieldNames()).toIterable().containsExactlyInAnyOrder("notificationId", "userId",
                "kind", "message", "createdAt", "sourceEventId", "correlationId");
    }

    @Test
    void shouldShowAMemberOnlyTheirOwnNotifications_andEveryoneToALibrarian() {
        deliver(registered(userId));
        NotificationApiHandler api = new NotificationApiHandler(inbox);
        var request = new APIGatewayProxyRequestEvent().withHttpMethod("GET")
                .withPath("/users/" + userId + "/notifications");

        var anotherMember = api.handleRequest(request.withRequestContext(SignedIn.member().requestContext()), null);
        var librarian = api.handleRequest(request.withRequestContext(SignedIn.librarian().requestContext()), null);
        var nobody = api.handleRequest(request.withRequestContext(null), null);

        assertThat(anotherMember.getStatusCode()).as("another member: as if there were no such user").isEqualTo(404);
        assertThat(anotherMember.getBody()).contains("urn:problem:not-found").doesNotContain("WELCOME");
        assertThat(librarian.getStatusCode()).isEqualTo(200);
        assertThat(librarian.getBody()).contains("WELCOME");
        assertThat(nobody.getStatusCode()).isEqualTo(401);
        assertThat(nobody.getHeaders()).containsEntry("WWW-Authenticate", "Bearer");
    }

    private void deliver(EventEnvelope... events) {
        SQSBatchResponse response = consumer.handleRequest(
                SqsMessages.batch(List.of(events).stream().map(this::json).toList()), null);
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    private List<EventEnvelope> outbox() {
        return DYNAMODB.client().scanPaginator(r -> r.tableName(table)).items().stream()
                .filter(item -> item.get("pk").s().startsWith(Outbox.ROW_PREFIX))
                .map(item -> CODEC.decode(item.get(Outbox.EVENT).s())).toList();
    }

    private JsonNode json(EventEnvelope event) {
        return CODEC.toJson(event);
    }

    private static EventEnvelope registered(String userId) {
        return EventEnvelope.create(new EventData.UserRegistered(userId, "Ada", "ada@example.org"), userId, 1, T0,
                "req-1", null);
    }

    private static EventEnvelope suspended(String userId) {
        return EventEnvelope.create(new EventData.UserSuspended(userId, "Ada", null), userId, 2,
                T0.plusSeconds(120), "req-3", null);
    }

    private EventEnvelope borrowed(String borrowingId, String userId, Instant dueAt, Instant at) {
        return EventEnvelope.create(new EventData.BookBorrowed(borrowingId, userId, "Ada", bookId, "Dune", "Herbert",
                at, dueAt), borrowingId, 1, at, "req-2", null);
    }

    private EventEnvelope returned(String borrowingId, String userId, Instant dueAt, Instant at) {
        return EventEnvelope.create(new EventData.BookReturned(borrowingId, userId, "Ada", bookId, "Dune",
                T0, dueAt, at, at.isAfter(dueAt)), borrowingId, 2, at, "req-4", null);
    }
}
