package dev.libraryevents.library.store;

import static dev.libraryevents.support.aws.Items.key;
import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.User;
import dev.libraryevents.library.domain.DataExport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The library table's single-table layout, mapped by hand so that every attribute name is visible here:
 * <pre>
 * pk                  sk              what
 * BOOK#{bookId}       BOOK            a book and its available copies
 * USER#{userId}       USER            a user, status and active loan count
 * USER#{userId}       LOAN#{bookId}   the user holds this book now (the same-book rule)
 * EMAIL#{sha256}      EMAIL           this email is taken (unique, case-insensitively; a hash, not the address)
 * BORROWING#{id}      BORROWING       a loan
 * EXPORT#{exportId}   EXPORT          a data export: status, deadline, the parts that came (DataExport)
 * OUTBOX#{type}#{id}  {sequence}      an event waiting for the relay (see Outbox)
 * </pre>
 */
final class LibraryItems {


    private LibraryItems() {}

    static Map<String, AttributeValue> bookKey(String bookId) {
        return key("BOOK#" + bookId, "BOOK");
    }

    static Map<String, AttributeValue> userKey(String userId) {
        return key("USER#" + userId, "USER");
    }

    static Map<String, AttributeValue> loanKey(String userId, String bookId) {
        return key("USER#" + userId, "LOAN#" + bookId);
    }

    /**
     * The claim on an email, by the SHA-256 of its lowercase form: the address itself is personal data, kept only
     * sealed in the user's row. Erasure deletes the claim.
     */
    static Map<String, AttributeValue> emailKey(String email) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return key("EMAIL#" + HexFormat.of().formatHex(hash), "EMAIL");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static Map<String, AttributeValue> borrowingKey(String borrowingId) {
        return key("BORROWING#" + borrowingId, "BORROWING");
    }

    static Map<String, AttributeValue> book(Book book) {
        Map<String, AttributeValue> item = new HashMap<>(bookKey(book.bookId()));
        item.put("bookId", s(book.bookId()));
        item.put("title", s(book.title()));
        item.put("author", s(book.author()));
        if (book.isbn() != null) {
            item.put("isbn", s(book.isbn()));
        }
        item.put("totalCopies", n(book.totalCopies()));
        item.put("availableCopies", n(book.availableCopies()));
        item.put("addedAt", time(book.addedAt()));
        return item;
    }

    static Book book(Map<String, AttributeValue> item) {
        return new Book(text(item, "bookId"), text(item, "title"), text(item, "author"), text(item, "isbn"),
                number(item, "totalCopies"), number(item, "availableCopies"), instant(item, "addedAt"));
    }

    static Map<String, AttributeValue> user(User user) {
        Map<String, AttributeValue> item = new HashMap<>(userKey(user.userId()));
        item.put("userId", s(user.userId()));
        item.put("name", s(user.name()));
        item.put("email", s(user.email()));
        item.put("status", s(user.status().name()));
        item.put("activeLoans", n(user.activeLoans()));
        item.put("registeredAt", time(user.registeredAt()));
        item.put("sequence", n(user.sequence()));
        return item;
    }

    static User user(Map<String, AttributeValue> item) {
        return new User(text(item, "userId"), text(item, "name"), text(item, "email"),
                User.Status.valueOf(text(item, "status")), number(item, "activeLoans"), instant(item, "registeredAt"),
                number(item, "sequence"));
    }

    static Map<String, AttributeValue> email(String email, String userId) {
        Map<String, AttributeValue> item = new HashMap<>(emailKey(email));
        item.put("userId", s(userId));
        return item;
    }

    static Map<String, AttributeValue> loan(String userId, String bookId, String borrowingId) {
        Map<String, AttributeValue> item = new HashMap<>(loanKey(userId, bookId));
        item.put("borrowingId", s(borrowingId));
        return item;
    }

    static Map<String, AttributeValue> borrowing(Borrowing borrowing) {
        Map<String, AttributeValue> item = new HashMap<>(borrowingKey(borrowing.borrowingId()));
        item.put("borrowingId", s(borrowing.borrowingId()));
        item.put("userId", s(borrowing.userId()));
        item.put("bookId", s(borrowing.bookId()));
        item.put("bookTitle", s(borrowing.bookTitle()));
        item.put("borrowedAt", time(borrowing.borrowedAt()));
        item.put("dueAt", time(borrowing.dueAt()));
        item.put("status", s(borrowing.status().name()));
        return item;
    }

    static Borrowing borrowing(Map<String, AttributeValue> item) {
        AttributeValue overdue = item.get("overdue");
        return new Borrowing(text(item, "borrowingId"), text(item, "userId"), text(item, "bookId"),
                text(item, "bookTitle"), instant(item, "borrowedAt"), instant(item, "dueAt"),
                Borrowing.Status.valueOf(text(item, "status")), instant(item, "returnedAt"),
                overdue == null ? null : overdue.bool());
    }

    static Map<String, AttributeValue> exportKey(String exportId) {
        return key("EXPORT#" + exportId, "EXPORT");
    }

    static Map<String, AttributeValue> export(DataExport export) {
        Map<String, AttributeValue> item = new HashMap<>(exportKey(export.exportId()));
        item.put("exportId", s(export.exportId()));
        item.put("userId", s(export.userId()));
        item.put("status", s(export.status().name()));
        item.put("requestedAt", time(export.requestedAt()));
        item.put("deadline", time(export.deadline()));
        Map<String, AttributeValue> parts = new HashMap<>();
        export.parts().forEach((service, objectKey) -> parts.put(service, s(objectKey)));
        item.put("parts", AttributeValue.fromM(parts));
        item.put("version", n(export.version()));
        return item;
    }

    static DataExport export(Map<String, AttributeValue> item) {
        Map<String, String> parts = new HashMap<>();
        item.getOrDefault("parts", AttributeValue.fromM(Map.of())).m().forEach((k, v) -> parts.put(k, v.s()));
        return new DataExport(text(item, "exportId"), text(item, "userId"),
                DataExport.Status.valueOf(text(item, "status")), instant(item, "requestedAt"),
                instant(item, "deadline"), parts, text(item, "objectKey"), text(item, "reason"),
                Long.parseLong(item.get("version").n()));
    }

    static AttributeValue time(Instant instant) {
        return s(EventCodec.timestamp(instant));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static int number(Map<String, AttributeValue> item, String name) {
        return Integer.parseInt(item.get(name).n());
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = text(item, name);
        return value == null ? null : OffsetDateTime.parse(value).toInstant();
    }
}
