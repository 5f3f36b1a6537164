package dev.libraryevents.library.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.User;
import dev.libraryevents.library.LibraryService;
import dev.libraryevents.library.domain.Identifiers;
import dev.libraryevents.library.domain.SearchText;
import dev.libraryevents.library.store.InvalidPosition;
import dev.libraryevents.library.store.LibraryLists;
import dev.libraryevents.library.store.Page;
import dev.libraryevents.support.http.ApiRequest;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.Problem;
import dev.libraryevents.support.http.Problem.FieldError;
import dev.libraryevents.support.http.ProblemException;
import dev.libraryevents.support.http.StateJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The catalog's search and the librarian's lists (docs/design.md §4c), and the lists of holds (§4d). Each answers
 * {@code {items, nextCursor}}: at most {@code limit} items (1–100, default 20), and a cursor for the next page, null
 * after the last.
 */
final class ListRoutes {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    static final int MAX_QUERY_LENGTH = 200;

    private final LibraryService library;
    private final HoldRoutes holds;

    ListRoutes(LibraryService library, HoldRoutes holds) {
        this.library = library;
        this.holds = holds;
    }

    /** {@code GET /books?q=&available=}: the catalog by title, or the books whose words the query's words start. */
    ApiResponse books(ApiRequest request) {
        Parameters parameters = new Parameters(request);
        String q = parameters.text("q", MAX_QUERY_LENGTH);
        boolean availableOnly = parameters.flag("available");
        List<String> words = q == null ? List.of() : Identifiers.isIsbn(q)
                ? List.of(SearchText.fold(Identifiers.normalizeIsbn(q))) : SearchText.queryWords(q);
        if (q != null && words.isEmpty()) {
            parameters.invalid("q", "needs a word of at least " + SearchText.MIN_WORD_LENGTH + " letters or digits");
        }
        String query = "GET /books?q=" + String.join(" ", words) + "&available=" + availableOnly;
        Map<String, String> start = parameters.cursor(query);
        LibraryLists lists = library.lists();
        Page<Book> page = paged(() -> words.isEmpty()
                ? lists.books(availableOnly, start, parameters.limit)
                : lists.search(words, availableOnly, start, parameters.limit));
        return answer(page, query, StateJson::book);
    }

    /** {@code GET /users?status=&email=}: newest registered first; an email finds at most one, never an erased one. */
    ApiResponse users(ApiRequest request) {
        Parameters parameters = new Parameters(request);
        User.Status status = parameters.choice("status", User.Status.class);
        String email = parameters.text("email", 254);
        if (email != null && !Identifiers.isEmail(email)) {
            parameters.invalid("email", "must be a valid email address");
        }
        String query = "GET /users?status=" + status + "&email="
                + (email == null ? "" : email.toLowerCase(Locale.ROOT));
        Map<String, String> start = parameters.cursor(query);
        Page<User> page = email != null
                ? new Page<>(library.userByEmail(email).filter(user -> status == null || user.status() == status)
                        .stream().toList(), null)
                : paged(() -> library.lists().users(status, start, parameters.limit));
        return answer(page, query, user -> library.personalData().reveal(StateJson.user(user)));
    }

    /** {@code GET /users/{userId}/borrowings?status=}: newest first. */
    ApiResponse borrowingsOfUser(ApiRequest request) {
        return borrowings(request, "/users/", request.pathParameter("userId"), library::user,
                library.lists()::borrowingsOfUser);
    }

    /** {@code GET /books/{bookId}/borrowings?status=}: newest first. */
    ApiResponse borrowingsOfBook(ApiRequest request) {
        return borrowings(request, "/books/", request.pathParameter("bookId"), library::book,
                library.lists()::borrowingsOfBook);
    }

    /** The borrowings of the user or book {@code id} (404 when {@code find} finds none). */
    private ApiResponse borrowings(ApiRequest request, String collection, String id, Function<String, ?> find,
                                   BorrowingsOf list) {
        Parameters parameters = new Parameters(request);
        Borrowing.Status status = parameters.choice("status", Borrowing.Status.class);
        String query = "GET " + collection + id + "/borrowings?status=" + status;
        Map<String, String> start = parameters.cursor(query);
        LibraryRoutes.decide(() -> find.apply(id));
        return answer(paged(() -> list.page(id, status, start, parameters.limit)), query, StateJson::borrowing);
    }

    /** {@code GET /users/{userId}/holds?status=}: newest first. */
    ApiResponse holdsOfUser(ApiRequest request) {
        Parameters parameters = new Parameters(request);
        String userId = request.pathParameter("userId");
        Hold.Status status = parameters.choice("status", Hold.Status.class);
        String query = "GET /users/" + userId + "/holds?status=" + status;
        Map<String, String> start = parameters.cursor(query);
        LibraryRoutes.decide(() -> library.user(userId));
        return answer(paged(() -> library.lists().holdsOfUser(userId, status, start, parameters.limit)), query,
                holds::json);
    }

    /** {@code GET /books/{bookId}/holds}: the open holds in queue order. */
    ApiResponse holdsOfBook(ApiRequest request) {
        Parameters parameters = new Parameters(request);
        String bookId = request.pathParameter("bookId");
        String query = "GET /books/" + bookId + "/holds";
        Map<String, String> start = parameters.cursor(query);
        LibraryRoutes.decide(() -> library.book(bookId));
        Page<Hold> page = paged(() -> library.lists().holdsOfBook(bookId, start, parameters.limit));
        // The page is a stretch of the queue in order: one count gives the first PLACED hold's position, and each
        // PLACED hold after it is the next.
        int[] next = {0};
        return answer(page, query, hold -> {
            if (hold.status() != Hold.Status.PLACED) {
                return holds.json(hold, null);
            }
            next[0] = next[0] == 0 ? library.holds().position(hold) : next[0] + 1;
            return holds.json(hold, next[0]);
        });
    }

    @FunctionalInterface
    private interface BorrowingsOf {
        Page<Borrowing> page(String id, Borrowing.Status status, Map<String, String> start, int limit);
    }

    private static <T> Page<T> paged(Supplier<Page<T>> read) {
        try {
            return read.get();
        } catch (InvalidPosition e) {
            throw new ProblemException(Problem.validationFailed(List.of(new FieldError("cursor", e.getMessage()))));
        }
    }

    private static <T> ApiResponse answer(Page<T> page, String query, Function<T, JsonNode> json) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("items");
        page.items().forEach(item -> items.add(json.apply(item)));
        body.put("nextCursor", Cursors.next(query, page.next()).orElse(null));
        return ApiResponse.ok(body);
    }

    /** A list's query parameters, every problem with them collected before the first is answered. */
    private static final class Parameters {

        private final ApiRequest request;
        private final List<FieldError> errors = new ArrayList<>();
        final int limit;

        Parameters(ApiRequest request) {
            this.request = request;
            this.limit = limit();
        }

        private int limit() {
            String given = request.queryParameter("limit").orElse(null);
            if (given == null) {
                return DEFAULT_LIMIT;
            }
            try {
                int value = Integer.parseInt(given.strip());
                if (value >= 1 && value <= MAX_LIMIT) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
            return DEFAULT_LIMIT;
        }

        String text(String name, int maxLength) {
            String given = request.queryParameter(name).map(String::strip).orElse(null);
            if (given != null && (given.isEmpty() || given.codePointCount(0, given.length()) > maxLength)) {
                invalid(name, "must be 1 to " + maxLength + " characters");
                return null;
            }
            return given;
        }

        boolean flag(String name) {
            String given = request.queryParameter(name).orElse(null);
            if (given == null || given.equals("false")) {
                return false;
            }
            if (!given.equals("true")) {
                invalid(name, "must be true or false");
            }
            return given.equals("true");
        }

        <E extends Enum<E>> E choice(String name, Class<E> type) {
            String given = request.queryParameter(name).orElse(null);
            if (given == null) {
                return null;
            }
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(given)) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name());
            }
            invalid(name, "must be one of " + String.join(", ", names));
            return null;
        }

        /** The position the cursor holds, after every other parameter is read; answers them all if any is wrong. */
        Map<String, String> cursor(String query) {
            String given = request.queryParameter("cursor").orElse(null);
            Map<String, String> position = null;
            if (given != null && errors.isEmpty()) {
                try {
                    position = Cursors.decode(query, given);
                } catch (Cursors.Refused e) {
                    invalid("cursor", e.getMessage());
                }
            }
            if (!errors.isEmpty()) {
                throw new ProblemException(Problem.validationFailed(errors));
            }
            return position;
        }

        void invalid(String name, String message) {
            errors.add(new FieldError(name, message));
        }
    }
}
