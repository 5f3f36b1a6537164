package dev.libraryevents.notification;

import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.notification.store.NotificationTable;
import java.util.List;

/** What the API reads: a user's notifications, newest first, as the consumer recorded them. */
public final class Inbox {

    private final NotificationTable table;

    public Inbox(NotificationTable table) {
        this.table = table;
    }

    public List<Notification> of(String userId) {
        return table.inbox(userId);
    }
}
