package dev.libraryevents.library.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.User;

/** The response bodies of DESIGN §4, field by field. */
final class LibraryJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LibraryJson() {}

    static ObjectNode book(Book book) {
        return JSON.objectNode()
                .put("bookId", book.bookId())
                .put("title", book.title())
                .put("author", book.author())
                .put("isbn", book.isbn())
                .put("totalCopies", book.totalCopies())
                .put("availableCopies", book.availableCopies())
                .put("addedAt", EventCodec.timestamp(book.addedAt()));
    }

    static ObjectNode user(User user) {
        return JSON.objectNode()
                .put("userId", user.userId())
                .put("name", user.name())
                .put("email", user.email())
                .put("status", user.status().name())
                .put("activeLoans", user.activeLoans())
                .put("registeredAt", EventCodec.timestamp(user.registeredAt()));
    }

    static ObjectNode borrowing(Borrowing borrowing) {
        ObjectNode json = JSON.objectNode()
                .put("borrowingId", borrowing.borrowingId())
                .put("userId", borrowing.userId())
                .put("bookId", borrowing.bookId())
                .put("bookTitle", borrowing.bookTitle())
                .put("borrowedAt", EventCodec.timestamp(borrowing.borrowedAt()))
                .put("dueAt", EventCodec.timestamp(borrowing.dueAt()))
                .put("status", borrowing.status().name());
        if (borrowing.status() == Borrowing.Status.RETURNED) {
            json.put("returnedAt", EventCodec.timestamp(borrowing.returnedAt())).put("overdue", borrowing.overdue());
        }
        return json;
    }
}
