package dev.libraryevents.library;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.HoldExpired;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.EventEnvelope.Actor;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.LibraryFold;
import dev.libraryevents.events.state.User;
import dev.libraryevents.library.LibraryService.Origin;
import dev.libraryevents.library.domain.HoldRules;
import dev.libraryevents.library.domain.NotFound;
import dev.libraryevents.library.store.ConcurrentChange;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.library.store.LibraryTable.Readied;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The holds queue (docs/design.md §4d), a saga kept in the library's own transactions: a member queues for a book
 * whose copies are all out; the copy that comes free next (a return, a READY hold cancelled or expired) goes to the
 * oldest PLACED hold in the transaction that frees it; the holder's borrow takes it; the expiry sweep passes on what
 * was not collected by {@code pickupBy}. Each command reads, lets {@link HoldRules} decide, and writes, retried as
 * {@link LibraryService} retries its own.
 */
public final class Holds {

    /** How many READY holds one sweep expires at most; the next sweep takes the rest. */
    static final int SWEEP_LIMIT = 100;

    private final LibraryService library;
    private final LibraryTable table;
    private final Duration pickupWindow;

    Holds(LibraryService library, LibraryTable table, Duration pickupWindow) {
        this.library = library;
        this.table = table;
        this.pickupWindow = pickupWindow;
    }

    public Hold place(String userId, String bookId, Origin origin) {
        String holdId = LibraryService.newId();
        return library.retrying(() -> {
            User user = library.user(userId);
            Book book = library.book(bookId);
            Instant at = library.now();
            EventEnvelope placed = library.event(HoldRules.place(holdId, user, book,
                    table.holdsBook(userId, bookId), table.openHold(userId, bookId).isPresent(),
                    table.openHolds(userId).size(), at), at, holdId, 1, origin, null);
            Hold hold = LibraryFold.evolve((Hold) null, placed);
            library.recording(origin, hold).placeHold(hold, placed);
            return hold;
        });
    }

    public Hold hold(String holdId) {
        return LibraryService.find(holdId, table::findHold).orElseThrow(() -> new NotFound("hold", holdId));
    }

    /** 1-based among the book's PLACED holds; null for a hold that is not PLACED. */
    public Integer position(Hold hold) {
        return hold.status() == Hold.Status.PLACED ? table.position(hold) : null;
    }

    /** Cancels an open hold; a READY one's copy passes on to the next in line, or back on the shelf. */
    public Hold cancel(String holdId, HoldRules.CancelReason reason, Origin origin) {
        return library.retrying(() -> {
            Hold open = hold(holdId);
            Instant at = library.now();
            EventEnvelope cancelled = library.event(HoldRules.cancel(open, reason, at), at, holdId,
                    open.sequence() + 1, origin, null);
            return close(open, cancelled, origin);
        });
    }

    /**
     * Every hold the user had open when they were suspended or erased ({@code cause}), cancelled; each on its own, so
     * that a hold closed meanwhile is simply skipped. A hold placed after the cause stays: a suspended user cannot
     * place one, so it was placed after a reinstatement, and a late or repeated delivery of the suspension must not
     * cancel it.
     */
    public int cancelOpenHoldsOf(String userId, HoldRules.CancelReason reason, EventEnvelope cause) {
        Origin origin = new Origin(cause.correlationId(), Actor.SYSTEM);
        int cancelled = 0;
        for (Hold open : table.openHolds(userId)) {
            if (open.placedAt().isAfter(cause.occurredAt())) {
                continue;
            }
            boolean done = library.retrying(() -> {
                Hold now = hold(open.holdId());
                if (!now.status().isOpen()) {
                    return false;
                }
                Instant at = library.now();
                EventEnvelope event = library.event(HoldRules.cancel(now, reason, at), at, now.holdId(),
                        now.sequence() + 1, origin, cause.eventId());
                close(now, event, origin);
                return true;
            });
            cancelled += done ? 1 : 0;
        }
        return cancelled;
    }

    /** Expires the READY holds whose pickup window has ended; answers how many. */
    public int expireDue() {
        int expired = 0;
        for (Hold due : table.readyHoldsDueBy(library.now(), SWEEP_LIMIT)) {
            boolean done = library.retrying(() -> {
                Hold now = hold(due.holdId());
                Instant at = library.now();
                Optional<HoldExpired> expiry = HoldRules.expire(now, at);
                if (expiry.isEmpty()) {
                    return false; // collected, cancelled or expired by another sweep meanwhile
                }
                Origin sweep = new Origin("hold-expiry-" + now.holdId(), Actor.SYSTEM);
                close(now, library.event(expiry.get(), at, now.holdId(), now.sequence() + 1, sweep, null), sweep);
                return true;
            });
            expired += done ? 1 : 0;
        }
        return expired;
    }

    private Hold close(Hold open, EventEnvelope event, Origin origin) {
        Hold closed = LibraryFold.evolve(open, event);
        Optional<Readied> next = open.status() == Hold.Status.READY
                ? nextInLine(library.book(open.bookId()), event, origin) : Optional.empty();
        library.recording(origin, closed).closeHold(open, closed, event, next);
        return closed;
    }

    /**
     * Where a copy that comes free goes: to the book's oldest PLACED hold, made READY until the pickup window has
     * passed, its {@code HoldReady} caused by {@code cause}; nowhere when nobody waits.
     */
    Optional<Readied> nextInLine(Book book, EventEnvelope cause, Origin origin) {
        if (book.holdsWaiting() == 0) {
            return Optional.empty();
        }
        Hold placed = table.oldestPlaced(book.bookId())
                .orElseThrow(() -> new ConcurrentChange("holds wait for book " + book.bookId() + ", none is PLACED"));
        User holder = library.user(placed.userId());
        EventData ready = HoldRules.ready(placed, holder.name(), cause.occurredAt(), pickupWindow);
        EventEnvelope event = library.event(ready, cause.occurredAt(), placed.holdId(), placed.sequence() + 1, origin,
                cause.eventId());
        return Optional.of(new Readied(placed, LibraryFold.evolve(placed, event), event));
    }
}
