package dev.libraryevents.events.state;

import java.time.Instant;

/**
 * One loan of one copy; {@code renewals} counts how often it was renewed (each moved {@code dueAt}), and
 * {@code returnedAt} and {@code overdue} are null while it is active.
 */
public record Borrowing(String borrowingId, String userId, String bookId, String bookTitle, Instant borrowedAt,
                        Instant dueAt, int renewals, Status status, Instant returnedAt, Boolean overdue) {

    public enum Status { ACTIVE, RETURNED }

    /** The sequence of its latest event: 1 when borrowed, one more for each renewal and for the return. */
    public long sequence() {
        return 1L + renewals + (status == Status.RETURNED ? 1 : 0);
    }

    public Borrowing renewed(Instant dueAt, int renewals) {
        return new Borrowing(borrowingId, userId, bookId, bookTitle, borrowedAt, dueAt, renewals, status, returnedAt,
                overdue);
    }

    public Borrowing returned(Instant returnedAt, boolean overdue) {
        return new Borrowing(borrowingId, userId, bookId, bookTitle, borrowedAt, dueAt, renewals, Status.RETURNED,
                returnedAt, overdue);
    }
}
