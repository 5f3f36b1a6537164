package dev.libraryevents.events.state;

import java.time.Instant;

/**
 * A member's place in a book's queue (docs/design.md §4d): PLACED while waiting, READY while a copy is set aside for
 * them until {@code pickupBy}, then FULFILLED (they borrowed it), CANCELLED or EXPIRED. The instants and ids of the
 * states it has not reached are null.
 *
 * @param queueNumber the book's count of holds placed when this one was: its order in the book's queue
 * @param sequence how many Hold events it has had: 1 when placed, 2 when ready or closed from PLACED, 3 after that
 */
public record Hold(String holdId, String userId, String bookId, String bookTitle, long queueNumber, Status status,
                   Instant placedAt,
                   Instant readyAt, Instant pickupBy, Instant fulfilledAt, String borrowingId, Instant cancelledAt,
                   String cancelReason, Instant expiredAt, long sequence) {

    public enum Status {
        PLACED, READY, FULFILLED, CANCELLED, EXPIRED;

        /** PLACED and READY: the hold still waits, in its book's queue. */
        public boolean isOpen() {
            return this == PLACED || this == READY;
        }
    }

    public static Hold placed(String holdId, String userId, String bookId, String bookTitle, long queueNumber,
                              Instant placedAt) {
        return new Hold(holdId, userId, bookId, bookTitle, queueNumber, Status.PLACED, placedAt, null, null, null,
                null, null, null, null, 1);
    }

    public Hold ready(Instant readyAt, Instant pickupBy, long sequence) {
        return new Hold(holdId, userId, bookId, bookTitle, queueNumber, Status.READY, placedAt, readyAt, pickupBy,
                null, null, null, null, null, sequence);
    }

    public Hold fulfilled(String borrowingId, Instant fulfilledAt, long sequence) {
        return new Hold(holdId, userId, bookId, bookTitle, queueNumber, Status.FULFILLED, placedAt, readyAt, pickupBy,
                fulfilledAt, borrowingId, null, null, null, sequence);
    }

    public Hold cancelled(String reason, Instant cancelledAt, long sequence) {
        return new Hold(holdId, userId, bookId, bookTitle, queueNumber, Status.CANCELLED, placedAt, readyAt,
                pickupBy, null, null, cancelledAt, reason, null, sequence);
    }

    public Hold expired(Instant expiredAt, long sequence) {
        return new Hold(holdId, userId, bookId, bookTitle, queueNumber, Status.EXPIRED, placedAt, readyAt, pickupBy,
                null, null, null, null, expiredAt, sequence);
    }
}
