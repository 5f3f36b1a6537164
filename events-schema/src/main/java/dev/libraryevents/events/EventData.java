package dev.libraryevents.events;

import java.time.Instant;
import java.util.List;

/**
 * The payload of every event in the catalog: past-tense facts, immutable, free of AWS and JSON types.
 * The stable name, source and version of each live in {@link EventType}, never in a class name.
 *
 * <p>Names and emails ({@code name}, {@code email}, {@code userName}) are personal data: producers put them here
 * encrypted (the {@code pd1:} form of {@code schemas/personal-data.json}), as opaque text; events of version 1 hold
 * them in clear. Only a holder of the user's data key turns them back into text.
 */
public sealed interface EventData {

    default EventType type() {
        return EventType.of(this);
    }

    record BookAdded(String bookId, String title, String author, String isbn, int totalCopies) implements EventData {}

    record UserRegistered(String userId, String name, String email) implements EventData {}

    record BookBorrowed(String borrowingId, String userId, String userName, String bookId, String bookTitle,
                        String bookAuthor, Instant borrowedAt, Instant dueAt) implements EventData {}

    record BookReturned(String borrowingId, String userId, String userName, String bookId, String bookTitle,
                        Instant borrowedAt, Instant dueAt, Instant returnedAt, boolean overdue) implements EventData {}

    /**
     * The loan is now due at {@code dueAt} (the renewal's time plus the loan period, never earlier than
     * {@code previousDueAt}); {@code renewals} counts this one too. Carries no personal data.
     */
    record LoanRenewed(String borrowingId, String userId, String bookId, String bookTitle, Instant previousDueAt,
                       Instant dueAt, int renewals, Instant renewedAt) implements EventData {}

    /**
     * A member queued for a book with no free copy (docs/design.md §4d). {@code queueNumber} is the book's count of
     * holds placed, this one included: the queue's order. {@code userName} is sealed.
     */
    record HoldPlaced(String holdId, String userId, String userName, String bookId, String bookTitle,
                      long queueNumber, Instant placedAt) implements EventData {}

    /**
     * A copy came free and is set aside for the hold until {@code pickupBy}: written in the transaction that freed
     * it, caused by that event. {@code placedAt} is the hold's, so that a reader knows the wait without a join.
     * {@code userName} is sealed.
     */
    record HoldReady(String holdId, String userId, String userName, String bookId, String bookTitle,
                     Instant placedAt, Instant readyAt, Instant pickupBy) implements EventData {}

    /** The holder borrowed the copy set aside for them, as {@code borrowingId}, in the same transaction. */
    record HoldFulfilled(String holdId, String userId, String bookId, String bookTitle, String borrowingId,
                         Instant fulfilledAt) implements EventData {}

    /**
     * An open hold was cancelled; {@code previousStatus} READY means a copy was set aside for it, and passed on.
     *
     * @param reason {@code member}, {@code librarian}, {@code user-suspended} or {@code user-erased}
     */
    record HoldCancelled(String holdId, String userId, String bookId, String bookTitle, String previousStatus,
                         String reason, Instant cancelledAt) implements EventData {}

    /** A READY hold was not collected by {@code pickupBy}; its copy passed on. */
    record HoldExpired(String holdId, String userId, String bookId, String bookTitle, Instant pickupBy,
                       Instant expiredAt) implements EventData {}

    record UserSuspended(String userId, String userName, String reason) implements EventData {}

    /** A librarian lifted the user's suspension: they may borrow again. Carries no personal data. */
    record UserReinstated(String userId, Instant reinstatedAt) implements EventData {}

    /** The user's data key is gone (docs/design.md §4b): what was encrypted with it can no longer be read. */
    record UserErased(String userId, Instant erasedAt) implements EventData {}

    /** A user's data export was asked for; each service that keeps something about them contributes its part. */
    record DataExportRequested(String exportId, String userId, Instant requestedAt, Instant deadline)
            implements EventData {}

    /** Notification's part of an export (the user's inbox) is in the export bucket under {@code objectKey}. */
    record NotificationDataExported(String exportId, String userId, String objectKey, int items)
            implements EventData {}

    /** Audit's part of an export (every entry about the user) is in the export bucket under {@code objectKey}. */
    record AuditDataExported(String exportId, String userId, String objectKey, int items) implements EventData {}

    /** The export is one document in the export bucket, under {@code objectKey}. */
    record DataExportCompleted(String exportId, String userId, String objectKey, Instant completedAt)
            implements EventData {}

    record NotificationSent(String notificationId, String userId, String kind, String channel) implements EventData {}

    /** One per processed batch: how many events it took in and which metrics changed. */
    record AnalyticsUpdated(int eventsProcessed, List<String> metrics) implements EventData {
        public AnalyticsUpdated {
            metrics = List.copyOf(metrics);
        }
    }

    /** One per processed batch: how many audit rows it wrote and the span of the events they record. */
    record AuditLogged(int entriesWritten, Instant firstOccurredAt, Instant lastOccurredAt) implements EventData {}
}
