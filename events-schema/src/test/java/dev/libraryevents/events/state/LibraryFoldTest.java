package dev.libraryevents.events.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding a trail of events rebuilds a book, a user, a borrowing and a hold as they stood. */
class LibraryFoldTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Instant DUE = T0.plusSeconds(14 * 86_400);

    private final EventEnvelope added = event(new EventData.BookAdded("b1", "Dune", "Herbert", null, 2), "b1", 1, T0);
    private final EventEnvelope registered = event(new EventData.UserRegistered("u1", "Ada", "a@b.org"), "u1", 1, T0);
    private final EventEnvelope borrowed = event(new EventData.BookBorrowed("l1", "u1", "Ada", "b1", "Dune",
            "Herbert", T0.plusSeconds(60), DUE), "l1", 1, T0.plusSeconds(60));
    private final EventEnvelope returned = event(new EventData.BookReturned("l1", "u1", "Ada", "b1", "Dune",
            T0.plusSeconds(60), DUE, DUE.plusSeconds(1), true), "l1", 2, DUE.plusSeconds(1));
    private final EventEnvelope suspended = event(new EventData.UserSuspended("u1", "Ada", "late"), "u1", 2,
            DUE.plusSeconds(2));

    @Test
    void shouldTrackAvailableCopiesThroughBorrowAndReturn() {
        Book book = null;
        for (EventEnvelope event : List.of(added, borrowed)) {
            book = LibraryFold.evolve(book, event);
        }
        assertThat(book.availableCopies()).isEqualTo(1);
        assertThat(LibraryFold.evolve(book, returned).availableCopies()).isEqualTo(2);
        assertThat(book.addedAt()).isEqualTo(T0);
    }

    @Test
    void shouldTrackAUsersLoansAndStatus() {
        User user = null;
        for (EventEnvelope event : List.of(registered, borrowed, returned, suspended)) {
            user = LibraryFold.evolve(user, event);
        }
        assertThat(user).extracting(User::status, User::activeLoans, User::sequence)
                .containsExactly(User.Status.SUSPENDED, 0, 2L);
    }

    @Test
    void shouldCloseABorrowingOnReturn_andIgnoreEventsBeforeTheEntityExists() {
        Borrowing borrowing = LibraryFold.evolve(LibraryFold.evolve((Borrowing) null, borrowed), returned);

        assertThat(borrowing).extracting(Borrowing::status, Borrowing::returnedAt, Borrowing::overdue)
                .containsExactly(Borrowing.Status.RETURNED, DUE.plusSeconds(1), true);
        assertThat(LibraryFold.evolve((Book) null, borrowed)).isNull();
        assertThat(LibraryFold.evolve((User) null, suspended)).isNull();
    }

    /**
     * A book's copies through a hold's life (docs/design.md §4d): the counts move by amounts that commute, so the
     * same events fold to the same book in any order, and available + on hold shelf + on loan stays the total.
     */
    @Test
    void shouldMoveABooksCopiesThroughAHold_toTheSameCountsInAnyOrder() {
        Instant placedAt = T0.plusSeconds(120);
        Instant readyAt = DUE.plusSeconds(1);
        List<EventEnvelope> saga = new ArrayList<>(List.of(
                event(new EventData.BookBorrowed("l2", "u2", "Bo", "b1", "Dune", "Herbert", T0.plusSeconds(90),
                        DUE), "l2", 1, T0.plusSeconds(90)),
                event(new EventData.HoldPlaced("h1", "u3", "Cy", "b1", "Dune", 1, placedAt), "h1", 1, placedAt),
                returned,
                event(new EventData.HoldReady("h1", "u3", "Cy", "b1", "Dune", placedAt, readyAt,
                        readyAt.plusSeconds(3 * 86_400)), "h1", 2, readyAt),
                event(new EventData.HoldFulfilled("h1", "u3", "b1", "Dune", "l3", readyAt.plusSeconds(60)), "h1", 3,
                        readyAt.plusSeconds(60)),
                event(new EventData.BookBorrowed("l3", "u3", "Cy", "b1", "Dune", "Herbert",
                        readyAt.plusSeconds(60), readyAt.plusSeconds(60 + 14 * 86_400)), "l3", 1,
                        readyAt.plusSeconds(60))));
        List<EventEnvelope> history = new ArrayList<>(List.of(added, borrowed));
        history.addAll(saga);

        Book inOrder = fold(history);
        Collections.reverse(saga);
        List<EventEnvelope> reordered = new ArrayList<>(List.of(added, borrowed));
        reordered.addAll(saga);

        assertThat(inOrder).extracting(Book::availableCopies, Book::onHoldShelf, Book::holdsWaiting,
                Book::holdsPlaced, Book::onLoan).containsExactly(0, 0, 0, 1L, 2);
        assertThat(fold(reordered)).isEqualTo(inOrder);
        Hold hold = null;
        for (EventEnvelope event : history) {
            hold = LibraryFold.evolve(hold, event);
        }
        assertThat(hold).extracting(Hold::status, Hold::borrowingId, Hold::sequence)
                .containsExactly(Hold.Status.FULFILLED, "l3", 3L);
    }

    private static Book fold(List<EventEnvelope> events) {
        Book book = null;
        for (EventEnvelope event : events) {
            book = LibraryFold.evolve(book, event);
        }
        return book;
    }

    private static EventEnvelope event(EventData data, String aggregateId, long sequence, Instant at) {
        return EventEnvelope.create(data, aggregateId, sequence, at, "fold-test", null);
    }
}
