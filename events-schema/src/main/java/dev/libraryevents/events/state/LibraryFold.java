package dev.libraryevents.events.state;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.BookAdded;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.HoldCancelled;
import dev.libraryevents.events.EventData.HoldExpired;
import dev.libraryevents.events.EventData.HoldFulfilled;
import dev.libraryevents.events.EventData.HoldPlaced;
import dev.libraryevents.events.EventData.HoldReady;
import dev.libraryevents.events.EventData.LoanRenewed;
import dev.libraryevents.events.EventData.UserErased;
import dev.libraryevents.events.EventData.UserRegistered;
import dev.libraryevents.events.EventData.UserReinstated;
import dev.libraryevents.events.EventData.UserSuspended;
import dev.libraryevents.events.EventEnvelope;

/**
 * How each library event changes a book, a user or a borrowing. The Library service uses it to answer with the
 * state a command produced; the Audit service folds an entity's trail with it to rebuild the entity at any instant.
 * Each method takes the state before the event ({@code null} before the entity exists) and returns the state after;
 * an event that does not concern the entity leaves it as it was.
 */
public final class LibraryFold {

    private LibraryFold() {}

    /**
     * A book's counts move by amounts that commute, so that its events fold to the same state in any order: a copy
     * that comes free is first counted available, and a {@code HoldReady} moves it onto the hold shelf
     * (a {@code HoldFulfilled} moves it back for the {@code BookBorrowed} that takes it).
     */
    public static Book evolve(Book book, EventEnvelope event) {
        EventData data = event.data();
        if (data instanceof BookAdded added) {
            return Book.added(added.bookId(), added.title(), added.author(), added.isbn(), added.totalCopies(),
                    event.occurredAt());
        }
        if (book == null) {
            return null;
        }
        if (!book.bookId().equals(bookOf(data))) {
            return book;
        }
        if (data instanceof BookBorrowed) {
            return book.moved(-1, 0, 0);
        }
        if (data instanceof BookReturned) {
            return book.moved(1, 0, 0);
        }
        if (data instanceof HoldPlaced) {
            return book.moved(0, 0, 1).withHoldPlaced();
        }
        if (data instanceof HoldReady) {
            return book.moved(-1, 1, -1);
        }
        if (data instanceof HoldCancelled cancelled && !"READY".equals(cancelled.previousStatus())) {
            return book.moved(0, 0, -1);
        }
        if (data instanceof HoldFulfilled || data instanceof HoldCancelled || data instanceof HoldExpired) {
            return book.moved(1, -1, 0);
        }
        return book;
    }

    /** The book an event of lending or holding concerns, or null. */
    private static String bookOf(EventData data) {
        if (data instanceof BookBorrowed borrowed) {
            return borrowed.bookId();
        }
        if (data instanceof BookReturned returned) {
            return returned.bookId();
        }
        if (data instanceof HoldPlaced placed) {
            return placed.bookId();
        }
        if (data instanceof HoldReady ready) {
            return ready.bookId();
        }
        if (data instanceof HoldFulfilled fulfilled) {
            return fulfilled.bookId();
        }
        if (data instanceof HoldCancelled cancelled) {
            return cancelled.bookId();
        }
        if (data instanceof HoldExpired expired) {
            return expired.bookId();
        }
        return null;
    }

    public static User evolve(User user, EventEnvelope event) {
        EventData data = event.data();
        if (data instanceof UserRegistered registered) {
            return new User(registered.userId(), registered.name(), registered.email(), User.Status.ACTIVE, 0,
                    event.occurredAt(), event.sequence());
        }
        if (user == null) {
            return null;
        }
        if (data instanceof UserSuspended suspended && suspended.userId().equals(user.userId())) {
            return user.suspended(event.sequence());
        }
        if (data instanceof UserReinstated reinstated && reinstated.userId().equals(user.userId())) {
            return user.reinstated(event.sequence());
        }
        if (data instanceof UserErased erased && erased.userId().equals(user.userId())) {
            return user.suspended(event.sequence()); // no more borrowing; its names stay, now unreadable ciphertext
        }
        if (data instanceof BookBorrowed borrowed && borrowed.userId().equals(user.userId())) {
            return user.withActiveLoans(user.activeLoans() + 1);
        }
        if (data instanceof BookReturned returned && returned.userId().equals(user.userId())) {
            return user.withActiveLoans(user.activeLoans() - 1);
        }
        return user;
    }

    public static Borrowing evolve(Borrowing borrowing, EventEnvelope event) {
        EventData data = event.data();
        if (data instanceof BookBorrowed borrowed && borrowing == null) {
            return new Borrowing(borrowed.borrowingId(), borrowed.userId(), borrowed.bookId(), borrowed.bookTitle(),
                    borrowed.borrowedAt(), borrowed.dueAt(), 0, Borrowing.Status.ACTIVE, null, null);
        }
        if (data instanceof LoanRenewed renewed && borrowing != null
                && renewed.borrowingId().equals(borrowing.borrowingId())) {
            return borrowing.renewed(renewed.dueAt(), renewed.renewals());
        }
        if (data instanceof BookReturned returned && borrowing != null
                && returned.borrowingId().equals(borrowing.borrowingId())) {
            return borrowing.returned(returned.returnedAt(), returned.overdue());
        }
        return borrowing;
    }

    public static Hold evolve(Hold hold, EventEnvelope event) {
        EventData data = event.data();
        if (data instanceof HoldPlaced placed && hold == null) {
            return Hold.placed(placed.holdId(), placed.userId(), placed.bookId(), placed.bookTitle(),
                    placed.queueNumber(), placed.placedAt());
        }
        if (hold == null) {
            return null;
        }
        if (data instanceof HoldReady ready && ready.holdId().equals(hold.holdId())) {
            return hold.ready(ready.readyAt(), ready.pickupBy(), event.sequence());
        }
        if (data instanceof HoldFulfilled fulfilled && fulfilled.holdId().equals(hold.holdId())) {
            return hold.fulfilled(fulfilled.borrowingId(), fulfilled.fulfilledAt(), event.sequence());
        }
        if (data instanceof HoldCancelled cancelled && cancelled.holdId().equals(hold.holdId())) {
            return hold.cancelled(cancelled.reason(), cancelled.cancelledAt(), event.sequence());
        }
        if (data instanceof HoldExpired expired && expired.holdId().equals(hold.holdId())) {
            return hold.expired(expired.expiredAt(), event.sequence());
        }
        return hold;
    }
}
