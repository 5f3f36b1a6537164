package dev.libraryevents.library.store;

import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.User;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The library's lists and its search (docs/design.md §4c), each a walk over one partition of an index
 * ({@link LibraryItems} has the layout). What a page shows is read from the rows themselves, so a book's copies
 * in a list agree with {@code GET /books/{id}}.
 */
public final class LibraryLists {

    private final IndexWalk walk;

    LibraryLists(DynamoDbClient dynamoDb, String tableName) {
        this.walk = new IndexWalk(dynamoDb, tableName);
    }

    /** The whole catalog by title (case and accents ignored), then id. */
    public Page<Book> books(boolean availableOnly, Map<String, String> start, int limit) {
        return walk.walk(new IndexWalk.Scope(LibraryItems.BOOKS_BY_TITLE, LibraryItems.BOOKS_PARTITION, null, false),
                start, limit, rows -> read(rows, IndexWalk::tableKey, LibraryItems::book, available(availableOnly)));
    }

    /**
     * The books with a word starting with each of {@code words} (folded, 2+ characters), in the order of the
     * first word's rows: the longest word is walked, as it is the most selective, and the others are checked on
     * the words each row carries. A book whose several words start with the walked one is shown at the first.
     */
    public Page<Book> search(List<String> words, boolean availableOnly, Map<String, String> start, int limit) {
        String walked = words.stream().reduce((a, b) -> b.length() > a.length() ? b : a).orElseThrow();
        IndexWalk.Scope scope = new IndexWalk.Scope(null, LibraryItems.wordPartition(walked), walked, false);
        return walk.walk(scope, start, limit, rows -> {
            List<Map<String, AttributeValue>> matching = new ArrayList<>();
            for (Map<String, AttributeValue> row : rows) {
                matching.add(matches(row, walked, words) ? row : null);
            }
            return read(matching, row -> LibraryItems.bookKey(row.get("bookId").s()), LibraryItems::book,
                    available(availableOnly));
        });
    }

    /** Users, newest registered first; with a status, only those. */
    public Page<User> users(User.Status status, Map<String, String> start, int limit) {
        IndexWalk.Scope scope = status == null
                ? new IndexWalk.Scope(LibraryItems.USERS_BY_REGISTRATION, LibraryItems.USERS_PARTITION, null, true)
                : new IndexWalk.Scope(LibraryItems.USERS_BY_STATUS, LibraryItems.usersWithStatus(status), null, true);
        return walk.walk(scope, start, limit, rows -> read(rows, IndexWalk::tableKey, LibraryItems::user,
                user -> status == null || user.status() == status));
    }

    /** A user's borrowings, newest first; with a status, only those. */
    public Page<Borrowing> borrowingsOfUser(String userId, Borrowing.Status status, Map<String, String> start,
                                            int limit) {
        return borrowings(new IndexWalk.Scope(LibraryItems.BORROWINGS_BY_USER, userId, null, true), status, start,
                limit);
    }

    /** A book's borrowings, newest first; with a status, only those. */
    public Page<Borrowing> borrowingsOfBook(String bookId, Borrowing.Status status, Map<String, String> start,
                                            int limit) {
        return borrowings(new IndexWalk.Scope(LibraryItems.BORROWINGS_BY_BOOK, bookId, null, true), status, start,
                limit);
    }

    /** A user's holds, newest first; with a status, only those. */
    public Page<Hold> holdsOfUser(String userId, Hold.Status status, Map<String, String> start, int limit) {
        return walk.walk(new IndexWalk.Scope(HoldItems.HOLDS_BY_USER, userId, null, true), start, limit,
                rows -> read(rows, IndexWalk::tableKey, HoldItems::hold,
                        hold -> status == null || hold.status() == status));
    }

    /** A book's open holds in queue order: its READY ones among them, where they were placed. */
    public Page<Hold> holdsOfBook(String bookId, Map<String, String> start, int limit) {
        return walk.walk(new IndexWalk.Scope(null, "BOOK#" + bookId, HoldItems.QUEUE_PREFIX, false), start, limit,
                rows -> read(rows, entry -> HoldItems.holdKey(entry.get("holdId").s()), HoldItems::hold,
                        hold -> hold.status().isOpen()));
    }

    private Page<Borrowing> borrowings(IndexWalk.Scope scope, Borrowing.Status status, Map<String, String> start,
                                       int limit) {
        return walk.walk(scope, start, limit, rows -> read(rows, IndexWalk::tableKey, LibraryItems::borrowing,
                borrowing -> status == null || borrowing.status() == status));
    }

    /**
     * Whether a word row shows its book: every query word starts a word of the book, and the row's own word is
     * the book's first that the walked word starts (so that the book shows once).
     */
    private static boolean matches(Map<String, AttributeValue> row, String walked, List<String> words) {
        List<String> bookWords = Arrays.asList(row.get("words").s().split(" "));
        String rowWord = row.get("sk").s().substring(0, row.get("sk").s().lastIndexOf('!'));
        String first = bookWords.stream().filter(word -> word.startsWith(walked)).sorted().findFirst().orElse(null);
        return rowWord.equals(first) && words.stream()
                .allMatch(query -> bookWords.stream().anyMatch(word -> word.startsWith(query)));
    }

    /** The rows that {@code rows} name (null stays null), as {@code T}, kept where {@code shown} says so. */
    private <T> List<T> read(List<Map<String, AttributeValue>> rows,
                             Function<Map<String, AttributeValue>, Map<String, AttributeValue>> keyOf,
                             Function<Map<String, AttributeValue>, T> map, Predicate<T> shown) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (Map<String, AttributeValue> row : rows) {
            if (row != null) {
                keys.add(keyOf.apply(row));
            }
        }
        List<Map<String, AttributeValue>> read = keys.isEmpty() ? List.of() : walk.rows(keys);
        List<T> items = new ArrayList<>();
        int next = 0;
        for (Map<String, AttributeValue> row : rows) {
            Map<String, AttributeValue> item = row == null ? null : read.get(next++);
            T value = item == null ? null : map.apply(item);
            items.add(value != null && shown.test(value) ? value : null);
        }
        return items;
    }

    private static Predicate<Book> available(boolean availableOnly) {
        return book -> !availableOnly || book.availableCopies() > 0;
    }
}
