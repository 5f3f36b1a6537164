package dev.libraryevents.notification.domain;

import java.time.Instant;

/**
 * One message to one user. Its id is derived from what caused it, so the same cause always yields the same
 * notification, whatever the delivery order or count.
 *
 * @param sourceEventId the event that caused it; null for a scheduled reminder
 */
public record Notification(String notificationId, String userId, Kind kind, String message, Instant createdAt,
                           String sourceEventId, String correlationId) {

    public enum Kind {
        WELCOME, BORROW_CONFIRMATION, RETURN_CONFIRMATION, DUE_REMINDER, OVERDUE_NOTICE, ACCOUNT_SUSPENDED,
        /** A librarian lifted the suspension (§4c). */
        ACCOUNT_REINSTATED,
        /** Beyond docs/design.md §4's six: the user's data export (§4b) is ready to fetch. */
        DATA_EXPORT_READY,
        /** A loan was renewed: its new due date (§4d). */
        RENEWAL_CONFIRMATION,
        /** A copy waits for the member on the hold shelf, until its pickup time (§4d). */
        HOLD_READY,
        /** The copy set aside was not collected in time, and went to the next in line (§4d). */
        HOLD_EXPIRED
    }
}
