package dev.libraryevents.events.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Folding a trail of events rebuilds a book, a user and a borrowing as they stood. */
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

    private static EventEnvelope event(EventData data, String aggregateId, long sequence, Instant at) {
        return EventEnvelope.create(data, aggregateId, sequence, at, "fold-test", null);
    }
}
