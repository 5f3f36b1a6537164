package dev.libraryevents.library.domain;

import dev.libraryevents.events.EventData.HoldCancelled;
import dev.libraryevents.events.EventData.HoldExpired;
import dev.libraryevents.events.EventData.HoldFulfilled;
import dev.libraryevents.events.EventData.HoldPlaced;
import dev.libraryevents.events.EventData.HoldReady;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.User;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The holds queue's rules (docs/design.md §4d) as pure decisions, like {@link LendingRules}: a member queues only for
 * a book with no free copy, at most {@link #MAX_OPEN_HOLDS} books at once; a freed copy goes to the oldest PLACED
 * hold, which then has the pickup window to collect it.
 */
public final class HoldRules {

    public static final int MAX_OPEN_HOLDS = 5;
    public static final Duration DEFAULT_PICKUP_WINDOW = Duration.ofDays(3);

    /** Why a hold was cancelled, as {@code HoldCancelled} says it. */
    public enum CancelReason {
        MEMBER("member"), LIBRARIAN("librarian"), USER_SUSPENDED("user-suspended"), USER_ERASED("user-erased");

        private final String wireName;

        CancelReason(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private HoldRules() {}

    /**
     * @param borrowsIt whether the user has an active loan of this book
     * @param holdsIt   whether the user has an open hold on it already
     * @param openHolds the user's open holds, on any book
     */
    public static HoldPlaced place(String holdId, User user, Book book, boolean borrowsIt, boolean holdsIt,
                                   int openHolds, Instant now) {
        if (user.status() == User.Status.SUSPENDED) {
            throw new CommandRejected(Rejection.USER_SUSPENDED, "user " + user.userId() + " is suspended");
        }
        if (book.availableCopies() > 0) {
            throw new CommandRejected(Rejection.COPIES_AVAILABLE,
                    "book " + book.bookId() + " has a free copy: borrow it instead");
        }
        if (borrowsIt) {
            throw new CommandRejected(Rejection.ALREADY_BORROWED,
                    "user " + user.userId() + " already has a copy of book " + book.bookId());
        }
        if (holdsIt) {
            throw new CommandRejected(Rejection.ALREADY_HELD,
                    "user " + user.userId() + " already waits for book " + book.bookId());
        }
        if (openHolds >= MAX_OPEN_HOLDS) {
            throw new CommandRejected(Rejection.HOLD_LIMIT_REACHED,
                    "user " + user.userId() + " already has " + MAX_OPEN_HOLDS + " open holds");
        }
        return new HoldPlaced(holdId, user.userId(), user.name(), book.bookId(), book.title(),
                book.holdsPlaced() + 1, now);
    }

    /** A freed copy set aside for the oldest PLACED hold, until the pickup window has passed. */
    public static HoldReady ready(Hold hold, String userName, Instant now, Duration pickupWindow) {
        return new HoldReady(hold.holdId(), hold.userId(), userName, hold.bookId(), hold.bookTitle(),
                hold.placedAt(), now, now.plus(pickupWindow));
    }

    public static HoldFulfilled fulfil(Hold hold, String borrowingId, Instant now) {
        return new HoldFulfilled(hold.holdId(), hold.userId(), hold.bookId(), hold.bookTitle(), borrowingId, now);
    }

    public static HoldCancelled cancel(Hold hold, CancelReason reason, Instant now) {
        if (!hold.status().isOpen()) {
            throw new CommandRejected(Rejection.HOLD_CLOSED,
                    "hold " + hold.holdId() + " is " + hold.status().name().toLowerCase(Locale.ROOT));
        }
        return new HoldCancelled(hold.holdId(), hold.userId(), hold.bookId(), hold.bookTitle(),
                hold.status().name(), reason.wireName(), now);
    }

    /** The expiry of a READY hold whose {@code pickupBy} has passed; nothing for any other. */
    public static Optional<HoldExpired> expire(Hold hold, Instant now) {
        if (hold.status() != Hold.Status.READY || now.isBefore(hold.pickupBy())) {
            return Optional.empty();
        }
        return Optional.of(new HoldExpired(hold.holdId(), hold.userId(), hold.bookId(), hold.bookTitle(),
                hold.pickupBy(), now));
    }
}
