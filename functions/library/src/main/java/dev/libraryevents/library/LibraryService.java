package dev.libraryevents.library;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.UserErased;
import dev.libraryevents.events.EventData.UserRegistered;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.EventEnvelope.Actor;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.LibraryFold;
import dev.libraryevents.events.state.User;
import dev.libraryevents.library.domain.Commands;
import dev.libraryevents.library.domain.HoldRules;
import dev.libraryevents.library.domain.Identifiers;
import dev.libraryevents.library.domain.LendingRules;
import dev.libraryevents.library.domain.NotFound;
import dev.libraryevents.library.store.ConcurrentChange;
import dev.libraryevents.library.store.LibraryLists;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.support.http.idempotency.RecordedAnswers;
import dev.libraryevents.support.logging.Metrics;
import dev.libraryevents.support.privacy.FieldCipher;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Each command: read the state, let {@link LendingRules} decide, fold the resulting event into the new state with
 * the same {@link LibraryFold} the audit uses, and write state and event in one transaction. When the transaction
 * loses a race, the whole cycle runs again on fresh state, so the answer is always the rules' verdict on the state
 * the write actually met.
 *
 * <p>Names and emails are sealed with the user's data key before anything is written (docs/design.md §4b): the user's
 * row, their events and every copy made of them hold ciphertext; the routes reveal what they answer.
 */
public final class LibraryService {

    /** Enough for 20 requests on one book to settle; beyond it the caller gets a 503 and may retry. */
    static final int MAX_ATTEMPTS = 30;

    private final LibraryTable table;
    private final PersonalData personalData;
    private final Clock clock;
    private final Holds holds;

    /** @param pickupWindow how long a copy set aside for a READY hold waits for its holder (docs/design.md §4d) */
    public LibraryService(LibraryTable table, PersonalData personalData, Clock clock, Duration pickupWindow) {
        this.table = table;
        this.personalData = personalData;
        this.clock = clock;
        this.holds = new Holds(this, table, pickupWindow);
    }

    /** The holds queue (docs/design.md §4d). */
    public Holds holds() {
        return holds;
    }

    public PersonalData personalData() {
        return personalData;
    }

    /** The answers keyed requests gave (docs/design.md §4e), in the library table. */
    public RecordedAnswers answers() {
        return table.answers(clock);
    }

    LibraryTable table() {
        return table;
    }

    /**
     * What every event a request causes carries besides its data: the request's correlation id and who made it; and,
     * for a request with an {@code Idempotency-Key}, its answer, recorded with the change (null without one).
     */
    public record Origin(String correlationId, Actor actor, Answer answer) {
        public Origin(String correlationId, Actor actor) {
            this(correlationId, actor, null);
        }
    }

    /**
     * A keyed request's answer (docs/design.md §4e): the item that records it, given the command's result as the
     * transaction writes it, joins that transaction; {@link #recorded} once the transaction is written.
     */
    public interface Answer {
        TransactWriteItem record(Object result);

        void recorded();
    }

    /** The service could not settle a command within {@link #MAX_ATTEMPTS}; nothing was written. */
    public static class Busy extends RuntimeException {
        Busy(String detail) {
            super(detail, null, false, false);
        }
    }

    public Book addBook(Commands.AddBook command, Origin origin) {
        String bookId = newId();
        EventEnvelope added = event(LendingRules.addBook(bookId, command), bookId, 1, origin);
        Book book = LibraryFold.evolve((Book) null, added);
        recording(origin, book).addBook(book, added);
        return book;
    }

    /** SnapStart's priming: a book added as {@link #addBook} adds one, up to a transaction that is cancelled. */
    public void primeWrites() {
        String bookId = newId();
        EventEnvelope added = event(LendingRules.addBook(bookId, new Commands.AddBook("Priming", "Priming", null, 1)),
                bookId, 1, new Origin("priming", Actor.SYSTEM));
        table.primeAddBook(LibraryFold.evolve((Book) null, added), added);
    }

    /**
     * Registers a user with a new data key: the rules decide on the request as sent, then name and email are sealed,
     * and the key's row joins the transaction. Answers the user as the client sent it, in clear.
     */
    public User register(Commands.RegisterUser command, Origin origin) {
        boolean self = command.userId() != null;
        String userId = self ? command.userId() : newId();
        PersonalData.Subject[] subject = new PersonalData.Subject[1]; // one data key, however many attempts
        return retrying(() -> {
            boolean alreadyRegistered = self && table.findUser(userId).isPresent();
            boolean emailTaken = table.emailTaken(command.email());
            UserRegistered decided = LendingRules.register(userId, command, alreadyRegistered, emailTaken);
            if (subject[0] == null) {
                subject[0] = personalData.newSubject(userId);
            }
            EventEnvelope registered = event(new UserRegistered(userId, subject[0].seal(decided.name()),
                    subject[0].seal(decided.email())), userId, 1, origin);
            User sealed = LibraryFold.evolve((User) null, registered);
            // a recorded answer holds the name and email sealed, as the user's row does
            recording(origin, sealed).register(sealed, command.email(), registered,
                    personalData.keys().store(subject[0].key()));
            return LibraryFold.evolve((User) null, event(decided, userId, 1, origin));
        });
    }

    /**
     * Erases the user's personal data (docs/design.md §4b): deletes their data key, so that every sealed copy of their
     * name and email, in tables, events, the archive and the audit log, can no longer be read; suspends borrowing;
     * records {@code UserErased}. Erasing again changes nothing and answers the same.
     */
    public User erase(String userId, Origin origin) {
        return retrying(() -> {
            User user = user(userId);
            Optional<byte[]> key = personalData.keys().find(userId);
            if (key.isEmpty()) {
                return user; // erased already: every user is registered with a key, and only erasure deletes it
            }
            String email = FieldCipher.decrypt(user.email(), key.get()).orElseThrow(() ->
                    new IllegalStateException("the email of user " + userId + " is not sealed by their key"));
            Instant at = now();
            EventEnvelope erased = event(new UserErased(userId, at), at, userId, user.sequence() + 1, origin, null);
            recording(origin, LibraryFold.evolve(user, erased)).erase(user, email, erased,
                    personalData.keys().delete(userId));
            return LibraryFold.evolve(user, erased);
        });
    }

    public User suspend(Commands.SuspendUser command, Origin origin) {
        return retrying(() -> {
            User user = user(command.userId());
            EventEnvelope suspended = event(LendingRules.suspend(user, command.reason()), user.userId(),
                    user.sequence() + 1, origin);
            User after = LibraryFold.evolve(user, suspended);
            recording(origin, after).suspend(user, suspended);
            return after;
        });
    }

    /** Lifts a suspension (not an erasure's: an erased user has no data key). */
    public User reinstate(String userId, Origin origin) {
        return retrying(() -> {
            User user = user(userId);
            boolean erased = personalData.keys().find(userId).isEmpty();
            Instant at = now();
            EventEnvelope reinstated = event(LendingRules.reinstate(user, erased, at), at, user.userId(),
                    user.sequence() + 1, origin, null);
            User after = LibraryFold.evolve(user, reinstated);
            recording(origin, after).reinstate(user, reinstated);
            return after;
        });
    }

    /**
     * A borrow; when a copy waits on the hold shelf for this user (their READY hold), they take that one, and the
     * hold is FULFILLED in the same transaction.
     */
    public Borrowing borrow(Commands.BorrowBook command, Origin origin) {
        String borrowingId = newId();
        Borrowing borrowing = retrying(() -> {
            User user = user(command.userId());
            Book book = book(command.bookId());
            boolean holdsBook = table.holdsBook(user.userId(), book.bookId());
            Optional<Hold> ready = table.openHold(user.userId(), book.bookId())
                    .filter(hold -> hold.status() == Hold.Status.READY);
            Instant at = now();
            EventEnvelope borrowed = event(LendingRules.borrow(borrowingId, user, book, holdsBook, ready.isPresent(),
                    at), at, borrowingId, 1, origin, null);
            Borrowing made = LibraryFold.evolve((Borrowing) null, borrowed);
            if (ready.isPresent()) {
                Hold hold = ready.get();
                EventEnvelope fulfilled = event(HoldRules.fulfil(hold, borrowingId, at), at, hold.holdId(),
                        hold.sequence() + 1, origin, borrowed.eventId());
                recording(origin, made).borrowFromHoldShelf(made, borrowed, hold, LibraryFold.evolve(hold, fulfilled),
                        fulfilled);
            } else {
                recording(origin, made).borrow(made, borrowed);
            }
            return made;
        });
        counted("Borrowings", origin);
        return borrowing;
    }

    /** A return; the copy goes to the oldest PLACED hold of the book, if anyone waits, in the same transaction. */
    public Borrowing giveBack(String borrowingId, Origin origin) {
        Borrowing givenBack = retrying(() -> {
            Borrowing borrowing = borrowing(borrowingId);
            User user = user(borrowing.userId());
            Instant at = now();
            EventEnvelope returned = event(LendingRules.giveBack(borrowing, user, at), at, borrowingId,
                    borrowing.sequence() + 1, origin, null);
            Borrowing after = LibraryFold.evolve(borrowing, returned);
            recording(origin, after).giveBack(after, returned,
                    holds.nextInLine(book(borrowing.bookId()), returned, origin));
            return after;
        });
        counted("Returns", origin);
        return givenBack;
    }

    /** A renewal, refused while anyone waits for the book (the table re-checks it in the renewal's transaction). */
    public Borrowing renew(String borrowingId, Origin origin) {
        Borrowing renewed = retrying(() -> {
            Borrowing borrowing = borrowing(borrowingId);
            User user = user(borrowing.userId());
            Instant at = now();
            EventEnvelope event = event(LendingRules.renew(borrowing, user, book(borrowing.bookId()), at), at,
                    borrowingId, borrowing.sequence() + 1, origin, null);
            Borrowing after = LibraryFold.evolve(borrowing, event);
            recording(origin, after).renew(after, event);
            return after;
        });
        counted("Renewals", origin);
        return renewed;
    }

    /** A lending that took place, as a metric (EMF): the dashboard plots borrowings and returns. */
    private static void counted(String metric, Origin origin) {
        Metrics.of("library").count(metric, 1).correlationId(origin.correlationId()).write();
    }

    /** The catalog's search and the lists (docs/design.md §4c). */
    public LibraryLists lists() {
        return table.lists();
    }

    /** The user whose email this is (case ignored); never an erased one. */
    public Optional<User> userByEmail(String email) {
        return table.findUserByEmail(email);
    }

    public Book book(String bookId) {
        return find(bookId, table::findBook).orElseThrow(() -> new NotFound("book", bookId));
    }

    public User user(String userId) {
        return find(userId, table::findUser).orElseThrow(() -> new NotFound("user", userId));
    }

    public Borrowing borrowing(String borrowingId) {
        return find(borrowingId, table::findBorrowing).orElseThrow(() -> new NotFound("borrowing", borrowingId));
    }

    /** Ids are ours and always UUIDs: anything else cannot exist, and is not worth a read. */
    static <T> Optional<T> find(String id, Function<String, Optional<T>> lookup) {
        return Identifiers.isId(id) ? lookup.apply(id) : Optional.empty();
    }

    /**
     * The table, or, for a keyed request, the table whose next transaction also records the request's answer to
     * {@code result}: what the transaction makes so (docs/design.md §4e).
     */
    LibraryTable recording(Origin origin, Object result) {
        Answer answer = origin.answer();
        return answer == null ? table : table.recording(answer.record(result), answer::recorded);
    }

    <T> T retrying(Supplier<T> attempt) {
        for (int attempts = 1; ; attempts++) {
            try {
                return attempt.get();
            } catch (ConcurrentChange e) {
                if (attempts == MAX_ATTEMPTS) {
                    throw new Busy("gave up after " + attempts + " conflicting attempts: " + e.getMessage());
                }
                backOff(attempts);
            }
        }
    }

    /** Jittered, so that racing requests spread out instead of colliding again in lockstep. */
    private static void backOff(int attempts) {
        long ceiling = Math.min(100, 5L << Math.min(attempts, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while retrying");
        }
    }

    /** An event of now, for data that names no time of its own. */
    EventEnvelope event(EventData data, String aggregateId, long sequence, Origin origin) {
        return event(data, now(), aggregateId, sequence, origin, null);
    }

    /**
     * @param at          when it happened: the instant the data names too ({@code returnedAt}, {@code readyAt}, …), so
     *                    that the state at that instant includes it; one instant for every event of a transaction
     * @param causationId the event that caused this one, in the same transaction
     */
    EventEnvelope event(EventData data, Instant at, String aggregateId, long sequence, Origin origin,
                        String causationId) {
        return EventEnvelope.create(data, aggregateId, sequence, at, origin.correlationId(), causationId,
                origin.actor());
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }
}
