package dev.libraryevents.library.store;

import static dev.libraryevents.support.aws.Items.key;
import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.User;
import dev.libraryevents.library.domain.DataExport;
import dev.libraryevents.library.domain.SearchText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The library table's single-table layout, mapped by hand so that every attribute name is visible here:
 * <pre>
 * pk                  sk              what
 * BOOK#{bookId}       BOOK            a book: available copies, copies on the hold shelf, holds waiting
 * BOOK#{bookId}       QUEUE#{queueNumber}  an open hold in the book's queue (HoldItems)
 * HOLD#{holdId}       HOLD            a hold (HoldItems)
 * USER#{userId}       HOLD#{bookId}   the user has an open hold on this book (one per book)
 * USER#{userId}       USER            a user, status and active loan count
 * USER#{userId}       LOAN#{bookId}   the user holds this book now (the same-book rule)
 * EMAIL#{sha256}      EMAIL           this email is taken (unique, case-insensitively; a hash, not the address)
 * BORROWING#{id}      BORROWING       a loan
 * EXPORT#{exportId}   EXPORT          a data export: status, deadline, the parts that came (DataExport)
 * OUTBOX#{type}#{id}  {sequence}      an event waiting for the relay (see Outbox)
 * WORD#{2 chars}      {word}!{bookId} the book has a word that starts so, in its title, author or ISBN (search)
 * </pre>
 * The lists (docs/design.md §4c) are queries on KEYS_ONLY indexes, whose keys the rows carry; a list then reads
 * the rows themselves, so that what it shows agrees with a read of each:
 * <pre>
 * index                 partition           sort                      on
 * booksByTitle          BOOKS               {folded title}!{bookId}   BOOK
 * usersByRegistration   USERS               {registeredAt}!{userId}   USER
 * usersByStatus         USERS#{status}      {registeredAt}!{userId}   USER (moves when the status changes)
 * borrowingsByUser      {userId}            {borrowedAt}!{id}         BORROWING
 * borrowingsByBook      {bookId}            {borrowedAt}!{id}         BORROWING
 * holdsByUser           {userId}            {placedAt}!{holdId}       HOLD
 * holdsReady            READY               {pickupBy}!{holdId}       HOLD, only while READY (expiry)
 * </pre>
 * '!' sorts below every letter, digit and '.', so that a shorter title comes before the longer one it starts.
 */
final class LibraryItems {

    static final String BOOKS_BY_TITLE = "booksByTitle";
    static final String USERS_BY_REGISTRATION = "usersByRegistration";
    static final String USERS_BY_STATUS = "usersByStatus";
    static final String BORROWINGS_BY_USER = "borrowingsByUser";
    static final String BORROWINGS_BY_BOOK = "borrowingsByBook";
    static final String USERS_BY_STATUS_PK = USERS_BY_STATUS + "Pk";
    /** A book's copies set aside for READY holds, and its PLACED holds (docs/design.md §4d). */
    static final String ON_HOLD_SHELF = "onHoldShelf";
    static final String HOLDS_WAITING = "holdsWaiting";
    /** How many holds were ever placed on a book: the last queue number it gave. */
    static final String HOLDS_PLACED = "holdsPlaced";
    static final String BOOKS_PARTITION = "BOOKS";
    static final String USERS_PARTITION = "USERS";
    static final String WORD_PREFIX = "WORD#";
    /** How many leading characters of a word choose its partition. */
    static final int WORD_PARTITION_LENGTH = 2;

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
        item.put(ON_HOLD_SHELF, n(book.onHoldShelf()));
        item.put(HOLDS_WAITING, n(book.holdsWaiting()));
        item.put(HOLDS_PLACED, n(book.holdsPlaced()));
        item.put("addedAt", time(book.addedAt()));
        indexed(item, BOOKS_BY_TITLE, BOOKS_PARTITION, SearchText.sortKey(book.title()) + "!" + book.bookId());
        return item;
    }

    static Book book(Map<String, AttributeValue> item) {
        return new Book(text(item, "bookId"), text(item, "title"), text(item, "author"), text(item, "isbn"),
                number(item, "totalCopies"), number(item, "availableCopies"), count(item, ON_HOLD_SHELF),
                count(item, HOLDS_WAITING), count(item, HOLDS_PLACED), instant(item, "addedAt"));
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
        String registered = EventCodec.timestamp(user.registeredAt()) + "!" + user.userId();
        indexed(item, USERS_BY_REGISTRATION, USERS_PARTITION, registered);
        indexed(item, USERS_BY_STATUS, usersWithStatus(user.status()), registered);
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
        item.put("renewals", n(borrowing.renewals()));
        item.put("status", s(borrowing.status().name()));
        String borrowed = EventCodec.timestamp(borrowing.borrowedAt()) + "!" + borrowing.borrowingId();
        indexed(item, BORROWINGS_BY_USER, borrowing.userId(), borrowed);
        indexed(item, BORROWINGS_BY_BOOK, borrowing.bookId(), borrowed);
        return item;
    }

    /** The partition of {@code usersByStatus} that lists the users with this status. */
    static String usersWithStatus(User.Status status) {
        return USERS_PARTITION + "#" + status.name();
    }

    /** One row per word the book is found by, each naming the book and carrying all its words (SearchText). */
    static List<Map<String, AttributeValue>> words(Book book) {
        List<String> words = SearchText.bookWords(book.title(), book.author(), book.isbn());
        AttributeValue allWords = s(String.join(" ", words));
        List<Map<String, AttributeValue>> rows = new ArrayList<>();
        for (String word : words) {
            Map<String, AttributeValue> row = new HashMap<>(key(wordPartition(word), word + "!" + book.bookId()));
            row.put("bookId", s(book.bookId()));
            row.put("words", allWords);
            rows.add(row);
        }
        return rows;
    }

    static String wordPartition(String word) {
        return WORD_PREFIX + SearchText.prefix(word, WORD_PARTITION_LENGTH);
    }

    static void indexed(Map<String, AttributeValue> item, String index, String partition, String sort) {
        item.put(index + "Pk", s(partition));
        item.put(index + "Sk", s(sort));
    }

    static Borrowing borrowing(Map<String, AttributeValue> item) {
        AttributeValue overdue = item.get("overdue");
        return new Borrowing(text(item, "borrowingId"), text(item, "userId"), text(item, "bookId"),
                text(item, "bookTitle"), instant(item, "borrowedAt"), instant(item, "dueAt"),
                count(item, "renewals"),
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

    static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static int number(Map<String, AttributeValue> item, String name) {
        return Integer.parseInt(item.get(name).n());
    }

    /** A count that rows written before it existed lack: 0 there. */
    static int count(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? number(item, name) : 0;
    }

    static Instant instant(Map<String, AttributeValue> item, String name) {
        String value = text(item, name);
        return value == null ? null : OffsetDateTime.parse(value).toInstant();
    }
}
