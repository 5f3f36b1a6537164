package dev.libraryevents.support.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.User;

/**
 * Books, users and borrowings as docs/design.md §4 shows them, field by field: the Library API answers with them and
 * the Audit API rebuilds them at past instants in the same shape.
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
}
