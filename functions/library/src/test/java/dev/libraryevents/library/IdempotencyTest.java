package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.testing.SignedIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/design.md §4e: a write sent again with its {@code Idempotency-Key} gets the first answer again and changes
 * nothing; the answer is recorded in the transaction of the change it answers.
 */
class IdempotencyTest {

    private final LibraryApi api = new LibraryApi();

    @Nested
    class Replays {

        @Test
        void shouldAnswerARepeatWithTheFirstAnswer_andChangeNothing() {
            String userId = api.registerUser();
            String bookId = api.addBook(2);
            String body = borrowing(userId, bookId);

            LibraryApi.Response first = keyed("POST", "/borrowings", body, "borrow-1");
            LibraryApi.Response again = keyed("POST", "/borrowings", body, "borrow-1");

            assertThat(first.status()).isEqualTo(201);
            assertThat(first.header("Idempotent-Replayed")).isNull();
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(again.header("Location")).isEqualTo(first.header("Location"));
            assertThat(again.header("Content-Type")).isEqualTo("application/json");
            assertThat(events("BookBorrowed")).hasSize(1);
            assertThat(api.get("/books/" + bookId).body().path("availableCopies").asInt()).isEqualTo(1);
        }

        @Test
        void shouldTakeTheSameBodyInAnotherSpelling_asTheSameRequest() {
            String userId = api.registerUser();
            String bookId = api.addBook(2);

            LibraryApi.Response first = keyed("POST", "/borrowings", borrowing(userId, bookId), "spelled");
            LibraryApi.Response again = keyed("POST", "/borrowings",
                    "{ \"bookId\" : \"" + bookId + "\",\n \"userId\":\"" + userId + "\" }", "spelled");

            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.body()).isEqualTo(first.body());
        }

        @Test
        void shouldRefuseTheKeyWithAnotherBody_with422_andChangeNothing() {
            String userId = api.registerUser();
            String bookId = api.addBook(2);
            String otherBook = api.addBook(1);
            keyed("POST", "/borrowings", borrowing(userId, bookId), "reused");

            LibraryApi.Response other = keyed("POST", "/borrowings", borrowing(userId, otherBook), "reused");

            assertThat(other.status()).isEqualTo(422);
            assertThat(other.problemType()).isEqualTo("urn:problem:idempotency-key-reused");
            assertThat(other.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(api.get("/books/" + otherBook).body().path("availableCopies").asInt()).isEqualTo(1);
            assertThat(events("BookBorrowed")).hasSize(1);
        }

        @Test
        void shouldRecordARefusal_andReplayIt_evenOnceTheStateWouldAllowTheWrite() {
            String userId = api.registerUser();
            String bookId = api.addBook(1);
            api.post("/users/" + userId + "/suspend", "{\"reason\":\"lost books\"}");

            LibraryApi.Response refused = keyed("POST", "/borrowings", borrowing(userId, bookId), "while-suspended");
            api.post("/users/" + userId + "/reinstate", null);
            LibraryApi.Response again = keyed("POST", "/borrowings", borrowing(userId, bookId), "while-suspended");

            assertThat(refused.status()).isEqualTo(409);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body()).isEqualTo(refused.body());
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(events("BookBorrowed")).isEmpty();
        }

        @Test
        void shouldRecordAnInvalidRequest_too() {
            LibraryApi.Response invalid = keyed("POST", "/books", "{\"title\":\"\"}", "invalid-book");
            LibraryApi.Response again = keyed("POST", "/books", "{\"title\":\"\"}", "invalid-book");

            assertThat(invalid.status()).isEqualTo(400);
            assertThat(again.status()).isEqualTo(400);
            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.body()).isEqualTo(invalid.body());
        }

        @Test
        void shouldKeepTheAnswer24Hours_thenTakeTheKeyAsNew() {
            String body = "{\"title\":\"Kindred\",\"author\":\"Octavia E. Butler\"}";
            LibraryApi.Response first = keyed("POST", "/books", body, "a-day");
            api.clock.advance(Duration.ofHours(24).minusSeconds(1));
            assertThat(keyed("POST", "/books", body, "a-day").body()).isEqualTo(first.body());

            api.clock.advance(Duration.ofSeconds(1));
            LibraryApi.Response later = keyed("POST", "/books", body, "a-day");

            assertThat(later.status()).isEqualTo(201);
            assertThat(later.header("Idempotent-Replayed")).isNull();
            assertThat(later.id("bookId")).isNotEqualTo(first.id("bookId"));
            assertThat(events("BookAdded")).hasSize(2);
        }

        @Test
        void shouldChangeNothing_withoutAKey() {
            String body = "{\"title\":\"Kindred\",\"author\":\"Octavia E. Butler\"}";
            LibraryApi.Response first = api.post("/books", body);
            LibraryApi.Response second = api.post("/books", body);

            assertThat(second.id("bookId")).isNotEqualTo(first.id("bookId"));
            assertThat(second.header("Idempotent-Replayed")).isNull();
            assertThat(api.items()).noneMatch(item -> item.get(Items.PARTITION_KEY).s().startsWith("ANSWER#"));
        }
    }

    @Nested
    class Scope {

        @Test
        void shouldKeepOneCallersKeyApartFromAnothers() {
            SignedIn ada = SignedIn.member();
            SignedIn bo = SignedIn.member();
            String adaId = api.as(ada).post("/users", "{\"name\":\"Ada\"}").id("userId");
            String boId = api.as(bo).post("/users", "{\"name\":\"Bo\"}").id("userId");
            String bookId = api.addBook(2);

            LibraryApi.Response adas = keyed(api.as(ada), "POST", "/borrowings", borrowing(adaId, bookId), "mine");
            LibraryApi.Response bos = keyed(api.as(bo), "POST", "/borrowings", borrowing(boId, bookId), "mine");

            assertThat(adas.status()).isEqualTo(201);
            assertThat(bos.status()).isEqualTo(201);
            assertThat(bos.header("Idempotent-Replayed")).isNull();
            assertThat(events("BookBorrowed")).hasSize(2);
        }

        @Test
        void shouldKeepOnePathsKeyApartFromAnothers() {
            String userId = api.registerUser();
            String first = api.borrow(userId, api.addBook(1));
            String second = api.borrow(userId, api.addBook(1));

            assertThat(keyed("POST", "/borrowings/" + first + "/return", null, "return").status()).isEqualTo(200);
            LibraryApi.Response other = keyed("POST", "/borrowings/" + second + "/return", null, "return");

            assertThat(other.status()).isEqualTo(200);
            assertThat(other.header("Idempotent-Replayed")).isNull();
            assertThat(events("BookReturned")).hasSize(2);
        }

        @Test
        void shouldIgnoreAKeyOnARead() {
            String bookId = api.addBook(1);

            LibraryApi.Response read = keyed("GET", "/books/" + bookId, null, "not a write");

            assertThat(read.status()).isEqualTo(200);
            assertThat(read.header("Idempotent-Replayed")).isNull();
        }
    }

    @Nested
    class Keys {

        @ParameterizedTest
        @ValueSource(strings = {"", "with space", "tab\tbed", "naïve", "emoji-\uD83D\uDCDA", "line\nbreak"})
        void shouldRefuseAKeyThatIsNotVisibleAscii_andChangeNothing(String key) {
            LibraryApi.Response refused = keyed("POST", "/books", "{\"title\":\"Dune\",\"author\":\"F\"}", key);

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.problemType()).isEqualTo("urn:problem:validation-failed");
            assertThat(refused.body().path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
            assertThat(events("BookAdded")).isEmpty();
        }

        @Test
        void shouldTake255Characters_andRefuse256() {
            String body = "{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}";

            assertThat(keyed("POST", "/books", body, "k".repeat(255)).status()).isEqualTo(201);
            assertThat(keyed("POST", "/books", body, "k".repeat(256)).status()).isEqualTo(400);
            assertThat(events("BookAdded")).hasSize(1);
        }

        @Test
        void shouldRefuseTwoKeysOnOneRequest() {
            LibraryApi.Response refused = api.sendMultiValued("POST", "/books",
                    "{\"title\":\"Dune\",\"author\":\"F\"}", Map.of("Idempotency-Key", List.of("one", "two")));

            assertThat(refused.status()).isEqualTo(400);
            assertThat(events("BookAdded")).isEmpty();
        }
    }

    /** Every POST and DELETE of docs/design.md §4 takes a key: sent twice, it does its work once. */
    @Nested
    class EveryWrite {

        @Test
        void shouldDoEachWriteOnce_whenItIsSentTwiceWithItsKey() {
            String bookId = onceAndReplayed("POST", "/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}")
                    .id("bookId");
            String userId = onceAndReplayed("POST", "/users",
                    "{\"name\":\"Ada\",\"email\":\"" + UUID.randomUUID() + "@example.org\"}").id("userId");
            String borrowingId = onceAndReplayed("POST", "/borrowings", borrowing(userId, bookId)).id("borrowingId");
            onceAndReplayed("POST", "/borrowings/" + borrowingId + "/renew", null);
            String other = api.registerUser();
            String holdId = onceAndReplayed("POST", "/holds", borrowing(other, bookId)).id("holdId");
            onceAndReplayed("DELETE", "/holds/" + holdId, null);
            onceAndReplayed("POST", "/borrowings/" + borrowingId + "/return", null);
            onceAndReplayed("POST", "/users/" + userId + "/suspend", "{\"reason\":\"a test\"}");
            onceAndReplayed("POST", "/users/" + userId + "/reinstate", null);
            onceAndReplayed("POST", "/users/" + userId + "/data-exports", null);
            onceAndReplayed("DELETE", "/users/" + userId + "/personal-data", null);

            Map<String, Long> counts = new TreeMap<>();
            api.outboxEvents().forEach(e -> counts.merge(e.path("eventType").asText(), 1L, Long::sum));
            assertThat(counts).containsAllEntriesOf(Map.of("BookAdded", 1L, "UserRegistered", 2L,
                    "BookBorrowed", 1L, "LoanRenewed", 1L, "HoldPlaced", 1L, "HoldCancelled", 1L,
                    "BookReturned", 1L, "UserSuspended", 1L, "UserReinstated", 1L, "DataExportRequested", 1L));
            assertThat(counts).containsEntry("UserErased", 1L);
        }

        /** The write, then the same again: the second is the first's answer, replayed. */
        private LibraryApi.Response onceAndReplayed(String method, String path, String body) {
            String key = UUID.randomUUID().toString();
            LibraryApi.Response first = keyed(method, path, body, key);
            assertThat(first.status()).as("%s %s: %s", method, path, first.body()).isBetween(200, 202);
            LibraryApi.Response again = keyed(method, path, body, key);
            assertThat(again.header("Idempotent-Replayed")).as("%s %s", method, path).isEqualTo("true");
            assertThat(again.status()).isEqualTo(first.status());
            assertThat(again.body()).as("%s %s", method, path).isEqualTo(first.body());
            return first;
        }
    }

    @Nested
    class PersonalData {

        @Test
        void shouldRecordNamesSealed_andReplayThemOpened() {
            String name = "Octavia " + UUID.randomUUID();
            String body = "{\"name\":\"" + name + "\",\"email\":\"" + UUID.randomUUID() + "@example.org\"}";

            LibraryApi.Response first = keyed("POST", "/users", body, "register");
            LibraryApi.Response again = keyed("POST", "/users", body, "register");

            assertThat(first.body().path("name").asText()).isEqualTo(name);
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(api.items()).filteredOn(item -> item.get(Items.PARTITION_KEY).s().startsWith("ANSWER#"))
                    .hasSize(1).allSatisfy(item -> assertThat(item.toString()).doesNotContain(name));
        }

        @Test
        void shouldReplayAnErasedUsersAnswer_erased() {
            String body = "{\"name\":\"Ada\",\"email\":\"" + UUID.randomUUID() + "@example.org\"}";
            String userId = keyed("POST", "/users", body, "register").id("userId");
            api.delete("/users/" + userId + "/personal-data");

            LibraryApi.Response again = keyed("POST", "/users", body, "register");

            assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(again.body().path("name").asText()).isEqualTo("[erased]");
        }
    }

    @Nested
    class Races {

        private final ExecutorService pool = Executors.newFixedThreadPool(10);

        @AfterEach
        void stopPool() {
            pool.shutdownNow();
        }

        @Test
        void shouldHaveOneEffect_whenTenRepeatsRace() throws Exception {
            String userId = api.registerUser();
            String bookId = api.addBook(5);

            List<LibraryApi.Response> answers = race(10, () -> keyed("POST", "/borrowings",
                    borrowing(userId, bookId), "raced"));

            assertThat(answers).extracting(LibraryApi.Response::status).containsOnly(201);
            assertThat(answers).extracting(r -> r.id("borrowingId")).containsOnly(answers.get(0).id("borrowingId"));
            assertThat(answers).filteredOn(r -> r.header("Idempotent-Replayed") == null).hasSizeLessThanOrEqualTo(1);
            assertThat(events("BookBorrowed")).hasSize(1);
            assertThat(api.get("/books/" + bookId).body().path("availableCopies").asInt()).isEqualTo(4);
        }

        @Test
        void shouldHaveOneEffect_whenTenRepeatsOfANewBookRace() throws Exception {
            List<LibraryApi.Response> answers = race(10, () -> keyed("POST", "/books",
                    "{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}", "raced-book"));

            assertThat(answers).extracting(LibraryApi.Response::status).containsOnly(201);
            assertThat(answers).extracting(r -> r.id("bookId")).containsOnly(answers.get(0).id("bookId"));
            assertThat(events("BookAdded")).hasSize(1);
        }

        private List<LibraryApi.Response> race(int count, Callable<LibraryApi.Response> request)
                throws Exception {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<LibraryApi.Response>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<LibraryApi.Response> answers = new ArrayList<>();
            for (Future<LibraryApi.Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        }
    }

    private LibraryApi.Response keyed(String method, String path, String body, String key) {
        return keyed(api, method, path, body, key);
    }

    private static LibraryApi.Response keyed(LibraryApi caller, String method, String path, String body,
                                             String key) {
        return caller.send(method, path, body == null ? null : "application/json", body,
                Map.of("Idempotency-Key", key));
    }

    private List<JsonNode> events(String type) {
        return api.outboxEvents().stream().filter(e -> e.path("eventType").asText().equals(type)).toList();
    }

    private static String borrowing(String userId, String bookId) {
        return "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}";
    }
}
