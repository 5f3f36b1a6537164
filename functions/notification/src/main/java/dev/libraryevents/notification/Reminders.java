package dev.libraryevents.notification;

import dev.libraryevents.notification.domain.ActiveLoan;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.notification.domain.Notifications;
import dev.libraryevents.notification.store.NotificationTable;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The daily reminder run ({@code notification-reminders}) over the active loans the consumer keeps. */
public final class Reminders {

    private final NotificationTable table;
    private final DynamoDbClient dynamoDb;
    private final NotificationEmails emails;
    private final PersonalData personalData;
    private final Clock clock;

    Reminders(NotificationTable table, DynamoDbClient dynamoDb, NotificationEmails emails, PersonalData personalData,
              Clock clock) {
        this.table = table;
        this.dynamoDb = dynamoDb;
        this.emails = emails;
        this.personalData = personalData;
        this.clock = clock;
    }

    /**
     * The daily run: a DUE_REMINDER for each loan due within two days, an OVERDUE_NOTICE for each overdue one, at
     * most one per loan per day however often it runs.
     *
     * @return how many notifications it sent
     */
    public int send() {
        Instant now = now();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        int sent = 0;
        for (ActiveLoan loan : table.activeLoansDueBy(now.plus(Notifications.REMINDER_WINDOW))) {
            Optional<Notification> reminder = Notifications.reminder(loan, now);
            if (reminder.isEmpty()) {
                continue;
            }
            var items = new ArrayList<TransactWriteItem>();
            items.add(table.reminderMark(loan.borrowingId(), today));
            items.addAll(table.record(reminder.get(), emails.channel(), now));
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(items));
                sent++;
                emails.send(reminder.get());
            } catch (TransactionCanceledException e) {
                // today's reminder for this loan went out already
            }
        }
        return sent;
    }

    /**
     * SnapStart's priming of the reminder run: its query, for loans due before 1970 (there are none), and the
     * writes a reminder would make, built and not sent, and the opening of the address it is emailed to.
     */
    public void prime() {
        Instant now = now();
        personalData.prime();
        table.activeLoansDueBy(Instant.EPOCH);
        ActiveLoan loan = new ActiveLoan(UUID.randomUUID().toString(), UUID.randomUUID().toString(), "Priming",
                now.plus(Notifications.REMINDER_WINDOW));
        Notifications.reminder(loan, now).ifPresent(reminder -> {
            table.reminderMark(loan.borrowingId(), LocalDate.ofInstant(now, ZoneOffset.UTC));
            table.record(reminder, emails.channel(), now);
        });
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
