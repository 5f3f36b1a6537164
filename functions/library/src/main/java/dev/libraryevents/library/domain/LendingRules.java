package dev.libraryevents.library.domain;

import dev.libraryevents.events.EventData.BookAdded;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.LoanRenewed;
import dev.libraryevents.events.EventData.UserRegistered;
import dev.libraryevents.events.EventData.UserReinstated;
import dev.libraryevents.events.EventData.UserSuspended;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.User;
import java.time.Duration;
import java.time.Instant;

/**
 * The library's rules (docs/design.md §4) as pure decisions: the current state and a command in, the event that records
 * the decision out, or a {@link CommandRejected}. No I/O: the service reads the state and writes the result, and
 * the table's conditions re-check the same rules so that they also hold under concurrent requests.
 */
public final class LendingRules {

    public static final Duration LOAN_PERIOD = Duration.ofDays(14);
    public static final int MAX_ACTIVE_LOANS = 5;
    public static final int MAX_RENEWALS = 2;

    private LendingRules() {}

    public static BookAdded addBook(String bookId, Commands.AddBook command) {
        return new BookAdded(bookId, command.title(), command.author(), command.isbn(), command.copies());
    }

    /** @param alreadyRegistered a member registering themself a second time (their userId is their sign-in id) */
    public static UserRegistered register(String userId, Commands.RegisterUser command, boolean alreadyRegistered,
                                          boolean emailTaken) {
        if (alreadyRegistered) {
            throw new CommandRejected(Rejection.ALREADY_REGISTERED, "user " + userId + " is already registered");
        }
        if (emailTaken) {
            throw new CommandRejected(Rejection.EMAIL_TAKEN, "a user with this email is already registered");
        }
        return new UserRegistered(userId, command.name(), command.email());
    }

    public static UserSuspended suspend(User user, String reason) {
        if (user.status() == User.Status.SUSPENDED) {
            throw new CommandRejected(Rejection.ALREADY_SUSPENDED, "user " + user.userId() + " is already suspended");
        }
        return new UserSuspended(user.userId(), user.name(), reason);
    }

    /**
     * Lifts a suspension. An erased user stays suspended for good: their data key is gone, and with it whatever
     * would let the library reach them.
     *
     * @param erased whether the user's personal data was erased
     */
    public static UserReinstated reinstate(User user, boolean erased, Instant now) {
        if (erased) {
            throw new CommandRejected(Rejection.USER_ERASED, "user " + user.userId() + " was erased");
        }
        if (user.status() != User.Status.SUSPENDED) {
            throw new CommandRejected(Rejection.NOT_SUSPENDED, "user " + user.userId() + " is not suspended");
        }
        return new UserReinstated(user.userId(), now);
    }

    /**
     * @param holdsBook  whether the user has an active loan of this book already
     * @param setAsideForThem whether a copy waits on the hold shelf for this user (their READY hold): they take
     *                   that one, and the copies anyone may borrow stay as they are
     */
    public static BookBorrowed borrow(String borrowingId, User user, Book book, boolean holdsBook,
                                      boolean setAsideForThem, Instant now) {
        if (user.status() == User.Status.SUSPENDED) {
            throw new CommandRejected(Rejection.USER_SUSPENDED, "user " + user.userId() + " is suspended");
        }
        if (holdsBook) {
            throw new CommandRejected(Rejection.ALREADY_BORROWED,
                    "user " + user.userId() + " already has a copy of book " + book.bookId());
        }
        if (user.activeLoans() >= MAX_ACTIVE_LOANS) {
            throw new CommandRejected(Rejection.LOAN_LIMIT_REACHED,
                    "user " + user.userId() + " already has " + MAX_ACTIVE_LOANS + " active loans");
        }
        if (!setAsideForThem && book.availableCopies() <= 0) {
            throw new CommandRejected(Rejection.NO_COPIES_AVAILABLE, "every copy of book " + book.bookId() + " is out");
        }
        return new BookBorrowed(borrowingId, user.userId(), user.name(), book.bookId(), book.title(), book.author(),
                now, now.plus(LOAN_PERIOD));
    }

    /**
     * A renewal moves the due date to {@link #LOAN_PERIOD} from now, never earlier than it was (a loan renewed early
     * keeps its later date), at most {@link #MAX_RENEWALS} times, and not while members wait for the book: the copy
     * is theirs next. An overdue loan may be renewed too: it is still out.
     */
    public static LoanRenewed renew(Borrowing borrowing, User user, Book book, Instant now) {
        if (borrowing.status() == Borrowing.Status.RETURNED) {
            throw new CommandRejected(Rejection.ALREADY_RETURNED,
                    "borrowing " + borrowing.borrowingId() + " was returned already");
        }
        if (user.status() == User.Status.SUSPENDED) {
            throw new CommandRejected(Rejection.USER_SUSPENDED, "user " + user.userId() + " is suspended");
        }
        if (borrowing.renewals() >= MAX_RENEWALS) {
            throw new CommandRejected(Rejection.RENEWAL_LIMIT_REACHED,
                    "borrowing " + borrowing.borrowingId() + " was renewed " + MAX_RENEWALS + " times already");
        }
        if (book.holdsWaiting() > 0) {
            throw new CommandRejected(Rejection.HOLD_PENDING,
                    "members wait for book " + book.bookId() + ": it goes to the first of them on its return");
        }
        Instant dueAt = now.plus(LOAN_PERIOD);
        return new LoanRenewed(borrowing.borrowingId(), borrowing.userId(), borrowing.bookId(), borrowing.bookTitle(),
                borrowing.dueAt(), dueAt.isAfter(borrowing.dueAt()) ? dueAt : borrowing.dueAt(),
                borrowing.renewals() + 1, now);
    }

    /** Suspended users may still return what they hold. */
    public static BookReturned giveBack(Borrowing borrowing, User user, Instant now) {
        if (borrowing.status() == Borrowing.Status.RETURNED) {
            throw new CommandRejected(Rejection.ALREADY_RETURNED,
                    "borrowing " + borrowing.borrowingId() + " was returned already");
        }
        return new BookReturned(borrowing.borrowingId(), user.userId(), user.name(), borrowing.bookId(),
                borrowing.bookTitle(), borrowing.borrowedAt(), borrowing.dueAt(), now, now.isAfter(borrowing.dueAt()));
    }
}
