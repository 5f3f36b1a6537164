package dev.libraryevents.support.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.Hold;
import java.time.Instant;
import dev.libraryevents.events.state.User;

/**
 * Books, users, borrowings and holds as docs/design.md §4 shows them, field by field: the Library API answers with
 * them and the Audit API rebuilds them at past instants in the same shape.
 */
public final class StateJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private StateJson() {}

    public static ObjectNode book(Book book) {
        return JSON.objectNode()
                .put("bookId", book.bookId())
                .put("title", book.title())
                .put("author", book.author())
                .put("isbn", book.isbn())
                .put("totalCopies", book.totalCopies())
                .put("availableCopies", book.availableCopies())
                .put("onHoldShelf", book.onHoldShelf())
                .put("holdsWaiting", book.holdsWaiting())
                .put("addedAt", EventCodec.timestamp(book.addedAt()));
    }

    public static ObjectNode user(User user) {
        return JSON.objectNode()
                .put("userId", user.userId())
                .put("name", user.name())
                .put("email", user.email())
                .put("status", user.status().name())
                .put("activeLoans", user.activeLoans())
                .put("registeredAt", EventCodec.timestamp(user.registeredAt()));
    }

    public static ObjectNode borrowing(Borrowing borrowing) {
        ObjectNode json = JSON.objectNode()
                .put("borrowingId", borrowing.borrowingId())
                .put("userId", borrowing.userId())
                .put("bookId", borrowing.bookId())
                .put("bookTitle", borrowing.bookTitle())
                .put("borrowedAt", EventCodec.timestamp(borrowing.borrowedAt()))
                .put("dueAt", EventCodec.timestamp(borrowing.dueAt()))
                .put("renewals", borrowing.renewals())
                .put("status", borrowing.status().name());
        if (borrowing.status() == Borrowing.Status.RETURNED) {
            json.put("returnedAt", EventCodec.timestamp(borrowing.returnedAt())).put("overdue", borrowing.overdue());
        }
        return json;
    }

    /** A hold, with the instants and ids of the states it reached; its queue position is the Library's to add. */
    public static ObjectNode hold(Hold hold) {
        ObjectNode json = JSON.objectNode()
                .put("holdId", hold.holdId())
                .put("userId", hold.userId())
                .put("bookId", hold.bookId())
                .put("bookTitle", hold.bookTitle())
                .put("status", hold.status().name())
                .put("placedAt", EventCodec.timestamp(hold.placedAt()));
        putIfSet(json, "readyAt", hold.readyAt());
        putIfSet(json, "pickupBy", hold.pickupBy());
        putIfSet(json, "fulfilledAt", hold.fulfilledAt());
        if (hold.borrowingId() != null) {
            json.put("borrowingId", hold.borrowingId());
        }
        putIfSet(json, "cancelledAt", hold.cancelledAt());
        if (hold.cancelReason() != null) {
            json.put("reason", hold.cancelReason());
        }
        putIfSet(json, "expiredAt", hold.expiredAt());
        return json;
    }

    private static void putIfSet(ObjectNode json, String name, Instant instant) {
        if (instant != null) {
            json.put(name, EventCodec.timestamp(instant));
        }
    }
}
