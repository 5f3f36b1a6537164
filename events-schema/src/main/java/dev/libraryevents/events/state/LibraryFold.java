package dev.libraryevents.events.state;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.BookAdded;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
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

    public static Book evolve(Book book, EventEnvelope event) {
        EventData data = event.data();
        if (data instanceof BookAdded added) {
            return new Book(added.bookId(), added.title(), added.author(), added.isbn(), added.totalCopies(),
                    added.totalCopies(), event.occurredAt());
        }
        if (book == null) {
            return null;
        }
        if (data instanceof BookBorrowed borrowed && borrowed.bookId().equals(book.bookId())) {
            return book.withAvailableCopies(book.availableCopies() - 1);
        }
        if (data instanceof BookReturned returned && returned.bookId().equals(book.bookId())) {
            return book.withAvailableCopies(book.availableCopies() + 1);
        }
        return book;
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
}
