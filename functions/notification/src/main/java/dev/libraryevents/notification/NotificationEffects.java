package dev.libraryevents.notification;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.LoanRenewed;
import dev.libraryevents.events.EventData.DataExportRequested;
import dev.libraryevents.events.EventData.NotificationDataExported;
import dev.libraryevents.events.EventData.UserErased;
import dev.libraryevents.events.EventData.UserRegistered;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.notification.api.NotificationRoutes;
import dev.libraryevents.notification.domain.ActiveLoan;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.notification.domain.Notifications;
import dev.libraryevents.notification.store.NotificationTable;
import dev.libraryevents.support.consumer.EventEffects;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.privacy.FieldCipher;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What Notification does with the events it consumes. Learns names, addresses and loans only from events (never by
 * asking the Library service), writes each notification to the user's inbox with its NotificationSent event, and,
 * when a sender address is configured, emails it too.
 *
 * <p>Personal data (docs/design.md §4b): the profile keeps name and email sealed, as the events carry them; they are
 * opened only to word a welcome and to address an email. {@code UserErased} redacts the user's inbox and replaces the
 * profile with a tombstone, so no email goes out to them again; an event whose key is gone words its message with
 * {@code [erased]}, and is processed like any other.
 */
public final class NotificationEffects implements EventEffects {

    private final NotificationTable table;
    private final NotificationEmails emails;
    private final PersonalData personalData;
    private final ExportBucket exports;
    private final Clock clock;

    /** @param exports where the consumer puts its part of a data export; null where none is asked for (tests) */
    NotificationEffects(NotificationTable table, NotificationEmails emails, PersonalData personalData,
                        ExportBucket exports, Clock clock) {
        this.table = table;
        this.emails = emails;
        this.personalData = personalData;
        this.exports = exports;
        this.clock = clock;
    }

    @Override
    public List<TransactWriteItem> effects(EventEnvelope event) {
        var items = new ArrayList<TransactWriteItem>();
        EventData data = event.data();
        if (data instanceof UserRegistered registered) {
            items.add(table.profile(registered.userId(), registered.name(), registered.email()));
        }
        if (data instanceof BookBorrowed borrowed) {
            items.add(table.loan(new ActiveLoan(borrowed.borrowingId(), borrowed.userId(), borrowed.bookTitle(),
                    borrowed.dueAt()), true, event.sequence()));
        }
        if (data instanceof LoanRenewed renewed) { // reminders follow the new due date, never the old one
            items.add(table.loan(new ActiveLoan(renewed.borrowingId(), renewed.userId(), renewed.bookTitle(),
                    renewed.dueAt()), true, event.sequence()));
        }
        if (data instanceof BookReturned returned) {
            items.add(table.loan(new ActiveLoan(returned.borrowingId(), returned.userId(), returned.bookTitle(),
                    returned.dueAt()), false, event.sequence()));
        }
        notificationFor(event).ifPresent(n -> items.addAll(table.record(n, emails.channel(), now())));
        if (data instanceof DataExportRequested requested) {
            items.add(exportPart(event, requested));
        }
        if (data instanceof UserErased erased) {
            items.addAll(table.erasure(erased.userId())); // the tombstone last: its presence means all is done
        }
        return items;
    }

    /**
     * Every write is a conditional put that changes nothing when repeated: the profile and the inbox row if absent,
     * the loan only over an older version, and last (its presence means the rest is written) the NotificationSent
     * row if absent, keyed by the notification, whose id derives from the event's. So the consumer writes them one
     * by one, without a transaction: half the write units.
     */
    @Override
    public boolean idempotentWrites() {
        return true;
    }

    @Override
    public void afterCommit(EventEnvelope event) {
        notificationFor(event).ifPresent(emails::send);
    }

    /**
     * This service's part of a data export: the user's inbox, put in the export bucket (again, the same, if the
     * request is delivered again), then announced by NotificationDataExported, an outbox row put if absent.
     */
    private TransactWriteItem exportPart(EventEnvelope event, DataExportRequested requested) {
        List<Notification> inbox = table.inbox(requested.userId());
        String key = ExportBucket.partKey(requested.exportId(), "notification");
        exports.put(key, NotificationRoutes.inbox(inbox));
        return table.exported(EventEnvelope.create(new NotificationDataExported(requested.exportId(),
                requested.userId(), key, inbox.size()), requested.exportId(), 1, now(), event.correlationId(),
                event.eventId(), EventEnvelope.Actor.SYSTEM));
    }

    /** The notification the event calls for, worded with the user's name opened (a welcome is the only one). */
    private Optional<Notification> notificationFor(EventEnvelope event) {
        if (event.data() instanceof UserRegistered registered && FieldCipher.isEncrypted(registered.name())) {
            return Notifications.forEvent(event.withData(new UserRegistered(registered.userId(),
                    personalData.reveal(registered.name()), registered.email())));
        }
        return Notifications.forEvent(event);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
