package dev.libraryevents.notification;

import dev.libraryevents.notification.channel.EmailSender;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.notification.store.NotificationTable;
import dev.libraryevents.support.logging.Log;
import dev.libraryevents.support.privacy.PersonalData;
import java.util.Locale;
import java.util.Optional;

/**
 * A notification's way out besides the inbox: an email when the function has a sender address (SES), to the address
 * the profile keeps sealed, opened only to send. Best effort: a failure is logged, the notification stays recorded.
 */
final class NotificationEmails {

    private final NotificationTable table;
    private final Optional<EmailSender> email;
    private final PersonalData personalData;

    NotificationEmails(NotificationTable table, Optional<EmailSender> email, PersonalData personalData) {
        this.table = table;
        this.email = email;
        this.personalData = personalData;
    }

    /** The channel a notification is recorded as sent on. */
    String channel() {
        return email.isPresent() ? "EMAIL" : "INBOX";
    }

    void send(Notification notification) {
        email.ifPresent(sender -> {
            try {
                table.email(notification.userId()).map(personalData::reveal).filter(PersonalData::isReadable)
                        .ifPresent(address -> sender.send(address,
                        "Library: " + notification.kind().name().replace('_', ' ').toLowerCase(Locale.ROOT),
                        notification.message()));
            } catch (RuntimeException e) {
                Log.warn("email not sent").correlationId(notification.correlationId())
                        .eventId(notification.sourceEventId()).with("notificationId", notification.notificationId())
                        .with("detail", e.getMessage()).write();
            }
        });
    }

}
