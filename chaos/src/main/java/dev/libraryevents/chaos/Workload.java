package dev.libraryevents.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load: C clients, each a thread running library workflows (register, add a book, borrow, renew, return,
 * suspend; place, collect and cancel holds) against the REST API over real HTTP until told to stop, and recording
 * every request it made and how it ended.
 * Each client keeps to the users, books and borrowings it created, so that what it expects is its own business;
 * its choices come from its own seeded random. Every write carries a fresh {@code Idempotency-Key} (docs/design.md
 * §4e), and a write that got no answer that says what happened (the cloud restarting, a function killed) is sent
 * again with the same key, up to {@link #RETRIES} times with a growing pause, as a careful client would.
 */
final class Workload {

    /** What a request was for: the event it should cause when it succeeds, and the aggregate that event is about. */
    enum Operation {
        REGISTER("UserRegistered"), ADD_BOOK("BookAdded"), BORROW("BookBorrowed"), RETURN("BookReturned"),
        SUSPEND("UserSuspended"), RENEW("LoanRenewed"), PLACE_HOLD("HoldPlaced"), CANCEL_HOLD("HoldCancelled");

        final String eventType;

        Operation(String eventType) {
            this.eventType = eventType;
        }
    }

    /** No HTTP answer at all: the connection was refused or broken. */
    static final int NO_ANSWER = -1;

    /**
     * One request and its end.
     *
     * @param aggregateId the entity the request created or acted on: known before the request for a return or a
     *                    suspension, from the answer for what creates one (null when there was no 2xx answer)
     */
    record Call(int client, Operation operation, String correlationId, int status, String aggregateId,
                long startedNanos, long endedNanos, String answer, int attempts, boolean replayed) {

        boolean succeeded() {
            return status >= 200 && status < 300;
        }

        boolean refused() {
            return status >= 400 && status < 500;
        }

        /** A 5xx the service answered itself (problem+json: 500, 503), which promises that nothing was written. */
        boolean failed() {
            return status >= 500 && !undecided();
        }

        /**
         * No answer that says what happened, even after the retries: none at all (the connection refused or broken),
         * or the gateway's own 502 or 504 for a function that died or timed out, perhaps after its write.
         */
        boolean undecided() {
            return status == NO_ANSWER || status == 502 || status == 504;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PAUSE_AFTER_NO_ANSWER = Duration.ofMillis(250);
    /** How many times an undecided write is sent again; the pauses before them, 2 s, 6 s, 18 s, outlast a restart. */
    static final int RETRIES = 3;
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofSeconds(2);

    private final URI api;
    private final String authorization;
    private final int clients;
    private final long seed;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /** @param librarianToken a librarian may call every route the workflows use (docs/design.md §4a) */
    Workload(URI api, String librarianToken, int clients, long seed) {
        this.api = api;
        this.authorization = "Bearer " + librarianToken;
        this.clients = clients;
        this.seed = seed;
    }

    void start() {
        for (int i = 0; i < clients; i++) {
            int client = i;
            Thread thread = new Thread(() -> new Client(client, new Random(seed * 31 + client)).run(),
                    "chaos-client-" + client);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Lets every client finish the request it is making, then returns what all of them did. */
    List<Call> stop() throws InterruptedException {
        stopping.set(true);
        for (Thread thread : threads) {
            thread.join(Duration.ofMinutes(2).toMillis());
        }
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** One client's workflows and what it knows of its own users, books and borrowings. */
    private final class Client {

        private final int id;
        private final Random random;
        private final List<String> users = new ArrayList<>();
        private final List<String> books = new ArrayList<>();
        private final List<String> borrowings = new ArrayList<>();
        /** The holds it placed: {holdId, userId, bookId}. */
        private final List<String[]> holds = new ArrayList<>();
        private int sent;

        Client(int id, Random random) {
            this.id = id;
            this.random = random;
        }

        void run() {
            while (!stopping.get()) {
                Call call = next();
                calls.add(call);
                if (call.status() == NO_ANSWER) {
                    pause();
                }
            }
        }

        /**
         * Enough users and books first; then mostly borrowing and returning, now and then a renewal, a suspension,
         * or a hold: placed (often refused, when a copy is free), collected by its holder's borrow, or cancelled.
         */
        private Call next() {
            int dice = random.nextInt(100);
            if (dice >= 88 && users.size() >= 2 && books.size() >= 2) {
                return holdWork(dice);
            }
            if (users.size() < 2 || dice < 12) {
                return create(Operation.REGISTER, "/users", "{\"name\":\"Reader " + id + "-" + sent
                        + "\",\"email\":\"reader-" + id + "-" + sent + "-" + seed + "@example.org\"}", users);
            }
            if (books.size() < 2 || dice < 22) {
                return create(Operation.ADD_BOOK, "/books", "{\"title\":\"Book " + id + "-" + sent
                        + "\",\"author\":\"Chaos\",\"copies\":" + (1 + random.nextInt(2)) + "}", books);
            }
            if (dice < 25) {
                String userId = pick(users);
                return send(Operation.SUSPEND, "/users/" + userId + "/suspend", "{\"reason\":\"chaos\"}", userId);
            }
            if (dice < 65 || borrowings.isEmpty()) {
                Call call = send(Operation.BORROW, "/borrowings", "{\"userId\":\"" + pick(users)
                        + "\",\"bookId\":\"" + pick(books) + "\"}", null);
                if (call.succeeded()) {
                    borrowings.add(call.aggregateId());
                }
                return call;
            }
            if (dice < 70) {
                String borrowingId = pick(borrowings);
                return send(Operation.RENEW, "/borrowings/" + borrowingId + "/renew", null, borrowingId);
            }
            String borrowingId = borrowings.remove(random.nextInt(borrowings.size()));
            return send(Operation.RETURN, "/borrowings/" + borrowingId + "/return", null, borrowingId);
        }

        /** 88–93: place a hold; 94–96: the holder borrows the book (a collection when it is READY); 97–99: cancel. */
        private Call holdWork(int dice) {
            if (dice < 94 || holds.isEmpty()) {
                String userId = pick(users);
                String bookId = pick(books);
                Call call = send(Operation.PLACE_HOLD, "/holds", "{\"userId\":\"" + userId + "\",\"bookId\":\""
                        + bookId + "\"}", null);
                if (call.succeeded()) {
                    holds.add(new String[] {call.aggregateId(), userId, bookId});
                }
                return call;
            }
            String[] hold = holds.get(random.nextInt(holds.size()));
            if (dice < 97) {
                Call call = send(Operation.BORROW, "/borrowings", "{\"userId\":\"" + hold[1] + "\",\"bookId\":\""
                        + hold[2] + "\"}", null);
                if (call.succeeded()) {
                    borrowings.add(call.aggregateId());
                    holds.remove(hold);
                }
                return call;
            }
            holds.remove(hold);
            return send(Operation.CANCEL_HOLD, "DELETE", "/holds/" + hold[0], null, hold[0]);
        }

        private Call create(Operation operation, String path, String body, List<String> into) {
            Call call = send(operation, path, body, null);
            if (call.succeeded()) {
                into.add(call.aggregateId());
            }
            return call;
        }

        private String pick(List<String> ids) {
            return ids.get(random.nextInt(ids.size()));
        }

        /** @param aggregateId the entity acted on, or null when the answer names the one created */
        private Call send(Operation operation, String path, String json, String aggregateId) {
            return send(operation, "POST", path, json, aggregateId);
        }

        /**
         * The write, and, while its answer is undecided, the same again with the same key and correlation id (a
         * replayed answer is the first one's, so the events it names are the first attempt's).
         */
        private Call send(Operation operation, String method, String path, String json, String aggregateId) {
            String correlationId = "chaos-" + id + "-" + (sent++) + "-" + Long.toHexString(random.nextLong());
            String key = "chaos-key-" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
            long started = System.nanoTime();
            Call call = attempt(operation, method, path, json, aggregateId, correlationId, key, started, 1);
            Duration pause = FIRST_RETRY_PAUSE;
            for (int attempts = 2; call.undecided() && attempts <= RETRIES + 1; attempts++) {
                if (!sleep(pause)) {
                    break;
                }
                pause = pause.multipliedBy(3);
                call = attempt(operation, method, path, json, aggregateId, correlationId, key, started, attempts);
            }
            return call;
        }

        private Call attempt(Operation operation, String method, String path, String json, String aggregateId,
                             String correlationId, String key, long started, int attempts) {
            HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path.substring(1)))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", authorization).header("X-Correlation-Id", correlationId)
                    .header("Idempotency-Key", key);
            if (json == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
            }
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                boolean replayed = response.headers().firstValue("Idempotent-Replayed").map("true"::equals)
                        .orElse(false);
                String id = aggregateId;
                if (id == null && response.statusCode() / 100 == 2) {
                    JsonNode body = JSON.readTree(response.body());
                    id = body.path(switch (operation) {
                        case REGISTER -> "userId";
                        case ADD_BOOK -> "bookId";
                        case PLACE_HOLD, CANCEL_HOLD -> "holdId";
                        default -> "borrowingId";
                    }).asText();
                }
                return new Call(id(), operation, correlationId, response.statusCode(), id, started, System.nanoTime(),
                        response.statusCode() / 100 == 2 ? "" : response.body(), attempts, replayed);
            } catch (IOException e) {
                return new Call(id(), operation, correlationId, NO_ANSWER, aggregateId, started, System.nanoTime(),
                        String.valueOf(e), attempts, false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.set(true);
                return new Call(id(), operation, correlationId, NO_ANSWER, aggregateId, started, System.nanoTime(),
                        "interrupted", attempts, false);
            }
        }

        private int id() {
            return id;
        }

        /** A client that got no answer waits a little, as any client would, rather than spin on a closed port. */
        private void pause() {
            sleep(PAUSE_AFTER_NO_ANSWER);
        }

        /** False when interrupted: the workload is being torn down. */
        private boolean sleep(Duration pause) {
            try {
                Thread.sleep(pause.toMillis());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping.set(true);
                return false;
            }
        }
    }
}
