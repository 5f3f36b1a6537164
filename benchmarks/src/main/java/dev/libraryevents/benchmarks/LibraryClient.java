package dev.libraryevents.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The REST API as a client sees it, over real HTTP and signed in, with each call's latency. Every write carries a
 * fresh {@code Idempotency-Key}, as a client that may have to retry would send it (docs/design.md §4e), unless the
 * client is {@link #withoutKeys}.
 */
final class LibraryClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer and how long it took, in milliseconds (fractional). */
    record Answer(int status, JsonNode body, double millis) {
        String field(String name) {
            return body.path(name).asText();
        }

        Answer expect(int expected, String what) {
            if (status != expected) {
                throw new IllegalStateException(what + " answered " + status + ": " + body);
            }
            return this;
        }
    }

    /**
     * Real titles (with authors) and names of different lengths, taken in turn: an event carries both, so its rows'
     * sizes, and the write units they cost (one per started KB), follow them.
     */
    static final List<String[]> TITLES = List.of(new String[] {"Dune", "Frank Herbert"},
            new String[] {"The Left Hand of Darkness", "Ursula K. Le Guin"},
            new String[] {"The Hitchhiker's Guide to the Galaxy: The Trilogy", "Douglas Adams"},
            new String[] {"Frankenstein", "Mary Shelley"});
    static final List<String> NAMES = List.of("Ada Lovelace", "Bob", "Maria Fernanda Oliveira", "Li Wei");

    private final URI base;
    private final String authorization;
    private final AtomicInteger books = new AtomicInteger();
    private final AtomicInteger users = new AtomicInteger();
    /** Its own threads, named so that {@link CpuMeter} counts their CPU as the clients'. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(CpuMeter.clientThreads()).build();

    private final boolean keyed;

    /** @param idToken sent as {@code Authorization: Bearer}, as every route needs (docs/design.md §4a) */
    LibraryClient(URI base, String idToken) {
        this(base, "Bearer " + idToken, true);
    }

    private LibraryClient(URI base, String authorization, boolean keyed) {
        this.base = base;
        this.authorization = authorization;
        this.keyed = keyed;
    }

    /** The same caller sending no Idempotency-Key: what the keys cost is the difference. */
    LibraryClient withoutKeys() {
        return new LibraryClient(base, authorization, false);
    }

    /** Each new book takes the next of {@link #TITLES}. */
    String addBook(int copies) throws IOException, InterruptedException {
        String[] book = TITLES.get(Math.floorMod(books.getAndIncrement(), TITLES.size()));
        return post("/books", "{\"title\":\"" + book[0] + "\",\"author\":\"" + book[1] + "\",\"copies\":" + copies
                + "}").expect(201, "POST /books").field("bookId");
    }

    /** A book of the given title and author, with one copy. */
    String addBook(String title, String author) throws IOException, InterruptedException {
        return post("/books", JSON.createObjectNode().put("title", title).put("author", author).toString())
                .expect(201, "POST /books").field("bookId");
    }

    /** Each new user takes the next of {@link #NAMES}. */
    String registerUser() throws IOException, InterruptedException {
        String name = NAMES.get(Math.floorMod(users.getAndIncrement(), NAMES.size()));
        return post("/users", "{\"name\":\"" + name + "\",\"email\":\"" + UUID.randomUUID() + "@example.org\"}")
                .expect(201, "POST /users").field("userId");
    }

    Answer borrow(String userId, String bookId) throws IOException, InterruptedException {
        return post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}")
                .expect(201, "POST /borrowings");
    }

    Answer giveBack(String borrowingId) throws IOException, InterruptedException {
        return post("/borrowings/" + borrowingId + "/return", null).expect(200, "POST /borrowings/{id}/return");
    }

    /** A hold for the user on the book (its copies all out): its id. */
    String placeHold(String userId, String bookId) throws IOException, InterruptedException {
        return post("/holds", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}")
                .expect(201, "POST /holds").field("holdId");
    }

    boolean borrowConfirmationReadable(String userId) throws IOException, InterruptedException {
        return get("/users/" + userId + "/notifications").body().path("items").findValuesAsText("kind")
                .contains("BORROW_CONFIRMATION");
    }

    long borrowingsReported() throws IOException, InterruptedException {
        return get("/reports/usage").body().path("totals").path("borrowings").asLong(-1);
    }

    boolean auditRowReadable(String borrowingId) throws IOException, InterruptedException {
        return get("/audit/borrowings/" + borrowingId).status() == 200;
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path.substring(1))).header("Authorization", authorization)
                .GET().build());
    }

    private Answer post(String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .header("Authorization", authorization).header("X-Correlation-Id", "bench-" + UUID.randomUUID());
        if (keyed) {
            request.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        double millis = (System.nanoTime() - started) / 1e6;
        JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        return new Answer(response.statusCode(), body, millis);
    }
}
