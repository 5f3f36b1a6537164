package dev.libraryevents.notification;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.notification.store.NotificationTable;
import dev.libraryevents.support.consumer.EventConsumer;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.support.privacy.DataKeys;
import dev.libraryevents.support.privacy.PersonalData;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.SqsMessages;
import dev.libraryevents.testing.StandInKms;
import dev.libraryevents.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * docs/design.md §4b in the Notification service: sealed names and emails opened to word a welcome and address an
 * email; UserErased redacts the inbox and stops the emails; an event whose key is gone is processed, not failed. KMS is
 * {@link StandInKms} (it cannot run here).
 */
class PersonalDataTest {

    private static final DynamoDbLocal DYNAMODB = DynamoDbLocal.shared();
    private static final EventCodec CODEC = EventCodec.shared();
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    private final TestClock clock = new TestClock(T0);
    private final String table = DYNAMODB.createServiceTable("notification", NotificationTable.DUE_INDEX);
    private final String keyTable = DYNAMODB.createKeyTable("keys");
    private final PersonalData personalData = new PersonalData(new DataKeys(DYNAMODB.client(), keyTable,
            new StandInKms(), StandInKms.KEY_ID, clock));
    private final List<String> emailsTo = new CopyOnWriteArrayList<>();
    private final NotificationTable notifications =
            new NotificationTable(DYNAMODB.client(), table, new Outbox(table, CODEC));
    private final NotificationEffects effects = new NotificationEffects(notifications, new NotificationEmails(
            notifications, Optional.of((to, subject, body) -> emailsTo.add(to + ": " + body)), personalData),
            personalData, null, clock);
    private final Inbox inbox = new Inbox(notifications);
    private final NotificationConsumerHandler consumer = new NotificationConsumerHandler(
            new EventConsumer(DYNAMODB.client(), table, CODEC, clock), effects);

    private final String userId = UUID.randomUUID().toString();

    @Test
    void shouldWordTheWelcomeAndAddressTheEmail_withTheSealedNameAndEmailOpened() {
        PersonalData.Subject ada = subject(userId);

        deliver(registered(ada));

        assertThat(inbox.of(userId)).singleElement().extracting(Notification::message)
                .isEqualTo("Welcome to the library, Ada Lovelace!");
        assertThat(emailsTo).containsExactly("ada@example.org: Welcome to the library, Ada Lovelace!");
        assertThat(DYNAMODB.client().getItem(r -> r.tableName(table).key(Map.of(
                "pk", AttributeValue.fromS("USER#" + userId),
                "sk", AttributeValue.fromS("PROFILE")))).item()
                .toString()).as("the profile keeps them sealed").doesNotContain("Ada Lovelace").doesNotContain("example.org");
    }

    @Test
    void shouldRedactTheInbox_andEmailNoMore_onceTheUserIsErased() {
        PersonalData.Subject ada = subject(userId);
        String borrowingId = UUID.randomUUID().toString();
        deliver(registered(ada), borrowed(ada, borrowingId, 1));
        eraseKey(userId);

        deliver(erased(userId, 2));
        deliver(returned(ada, borrowingId, 2));

        assertThat(inbox.of(userId)).extracting(Notification::kind, Notification::message).containsExactly(
                tuple(Notification.Kind.RETURN_CONFIRMATION,
                        "Thank you for returning \"Dune\"."),
                tuple(Notification.Kind.BORROW_CONFIRMATION, PersonalData.ERASED),
                tuple(Notification.Kind.WELCOME, PersonalData.ERASED));
        assertThat(emailsTo).as("two before the erasure, none after").hasSize(2);
        assertThat(DYNAMODB.client().scan(r -> r.tableName(table)).items().toString())
                .doesNotContain("Ada Lovelace").doesNotContain("ada@example.org");

        deliver(erased(userId, 2));
        assertThat(inbox.of(userId)).hasSize(3);
    }

    @Test
    void shouldProcessAnEventWhoseKeyIsGone_withoutFailingIt() {
        PersonalData.Subject ada = subject(userId);
        eraseKey(userId);

        deliver(registered(ada));

        assertThat(inbox.of(userId)).singleElement().extracting(Notification::message)
                .isEqualTo("Welcome to the library, [erased]!");
        assertThat(emailsTo).isEmpty();
    }

    @Test
    void shouldPrimeTheReminderRun_withoutWritingOrSending_andThenRemindWithTheAddressOpened() throws Exception {
        PersonalData.Subject ada = subject(userId);
        deliver(registered(ada), borrowed(ada, UUID.randomUUID().toString(), 2));
        emailsTo.clear();
        Reminders reminders = new Reminders(notifications, DYNAMODB.client(), new NotificationEmails(notifications,
                Optional.of((to, subject, body) -> emailsTo.add(to + ": " + body)), personalData), personalData, clock);
        ReminderHandler handler = new ReminderHandler(reminders);
        clock.advance(Duration.ofDays(13));
        int items = DYNAMODB.client().scan(r -> r.tableName(table)).count();

        reminders.prime(); // what SnapStart runs before the snapshot
        assertThat(DYNAMODB.client().scan(r -> r.tableName(table)).count()).as("priming writes nothing")
                .isEqualTo(items);
        assertThat(emailsTo).as("priming sends nothing").isEmpty();

        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(
                "{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"detail\":{}}"
                        .getBytes(UTF_8)), answer, null);
        assertThat(answer.toString(UTF_8)).isEqualTo("{\"sent\":1}");
        assertThat(emailsTo).containsExactly("ada@example.org: \"Dune\" is due on 2026-12-06.");
    }

    private PersonalData.Subject subject(String userId) {
        PersonalData.Subject subject = personalData.newSubject(userId);
        DYNAMODB.client().transactWriteItems(r -> r.transactItems(personalData.keys().store(subject.key())));
        return subject;
    }

    private void eraseKey(String userId) {
        DYNAMODB.client().transactWriteItems(r -> r.transactItems(personalData.keys().delete(userId)));
    }

    private void deliver(EventEnvelope... events) {
        SQSBatchResponse response = consumer.handleRequest(
                SqsMessages.batch(List.of(events).stream().map(CODEC::toJson).toList()), null);
        assertThat(response.getBatchItemFailures()).isEmpty();
    }

    private EventEnvelope registered(PersonalData.Subject user) {
        return EventEnvelope.create(new EventData.UserRegistered(userId, user.seal("Ada Lovelace"),
                user.seal("ada@example.org")), userId, 1, T0, "req-1", null);
    }

    private EventEnvelope erased(String userId, long sequence) {
        return EventEnvelope.create(new EventData.UserErased(userId, T0.plusSeconds(60)), userId, sequence,
                T0.plusSeconds(60), "req-erase", null);
    }

    private EventEnvelope borrowed(PersonalData.Subject user, String borrowingId, long sequence) {
        return EventEnvelope.create(new EventData.BookBorrowed(borrowingId, userId, user.seal("Ada Lovelace"),
                UUID.randomUUID().toString(), "Dune", "Herbert", T0, T0.plus(Duration.ofDays(14))), borrowingId,
                sequence, T0.plusSeconds(30), "req-2", null);
    }

    private EventEnvelope returned(PersonalData.Subject user, String borrowingId, long sequence) {
        return EventEnvelope.create(new EventData.BookReturned(borrowingId, userId, user.seal("Ada Lovelace"),
                UUID.randomUUID().toString(), "Dune", T0, T0.plus(Duration.ofDays(14)), T0.plusSeconds(90), false),
                borrowingId, sequence, T0.plusSeconds(90), "req-3", null);
    }
}
