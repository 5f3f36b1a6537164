package dev.libraryevents.events.state;

import java.time.Instant;

/** One loan of one copy; {@code returnedAt} and {@code overdue} are null while it is active. */
public record Borrowing(String borrowingId, String userId, String bookId, String bookTitle, Instant borrowedAt,
                        Instant dueAt, Status status, Instant returnedAt, Boolean overdue) {

    public enum Status { ACTIVE, RETURNED }

    public Borrowing returned(Instant returnedAt, boolean overdue) {
        return new Borrowing(borrowingId, userId, bookId, bookTitle, borrowedAt, dueAt, Status.RETURNED, returnedAt,
                overdue);
    }
}
