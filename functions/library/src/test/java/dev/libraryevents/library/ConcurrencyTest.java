package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The copy count, the loan limit and the holds queue hold when requests race: the table's conditions, not luck,
 * decide.
 */
class ConcurrencyTest {

    private final LibraryApi api = new LibraryApi();
    private final ExecutorService pool = Executors.newFixedThreadPool(20);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void shouldLendExactlyThreeCopies_whenTwentyUsersRaceForThem() throws Exception {
        String bookId = api.addBook(3);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(api.registerUser());
        }

        List<LibraryApi.Response> responses = race(users, userId -> borrow(userId, bookId));

        assertThat(outcomes(responses)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "201", 3L, "409 urn:problem:no-copies-available", 17L));
        assertThat(api.get("/books/" + bookId).body().path("availableCopies").asInt()).isZero();
        assertThat(api.outboxEvents()).filteredOn(e -> e.path("eventType").asText().equals("BookBorrowed"))
                .hasSize(3);
    }

    @Test
    void shouldStopAtFiveLoans_whenAUserWithFourRacesFiveBorrows() throws Exception {
        String userId = api.registerUser();
        for (int i = 0; i < 4; i++) {
            api.borrow(userId, api.addBook(1));
        }
        List<String> books = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            books.add(api.addBook(1));
        }

        List<LibraryApi.Response> responses = race(books, bookId -> borrow(userId, bookId));

        assertThat(outcomes(responses)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "201", 1L, "409 urn:problem:loan-limit-reached", 4L));
        assertThat(api.get("/users/" + userId).body().path("activeLoans").asInt()).isEqualTo(5);
    }

    @Test
    void shouldRegisterAnEmailOnce_whenTwoRegistrationsRace() throws Exception {
        List<LibraryApi.Response> responses = race(List.of("Ada", "ADA", "ada"), name ->
                api.post("/users", "{\"name\":\"" + name + "\",\"email\":\"" + name + "@race.example.org\"}"));

        assertThat(outcomes(responses)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "201", 1L, "409 urn:problem:email-taken", 2L));
    }

    /** Each change to the loan is one event with its own sequence, whichever of the racing requests wins. */
    @Test
    void shouldRenewAtMostTwice_andNumberEveryChange_whenFiveRenewalsRaceAReturn() throws Exception {
        String borrowingId = api.borrow(api.registerUser(), api.addBook(1));

        List<LibraryApi.Response> responses = race(List.of("renew", "renew", "renew", "renew", "renew", "return"),
                action -> api.post("/borrowings/" + borrowingId + "/" + action, null));

        long renewed = responses.subList(0, 5).stream().filter(r -> r.status() == 200).count();
        assertThat(renewed).isBetween(0L, 2L);
        assertThat(responses.get(5).status()).isEqualTo(200);
        assertThat(responses.subList(0, 5)).filteredOn(r -> r.status() != 200)
                .extracting(LibraryApi.Response::problemType)
                .allMatch(type -> type.equals("urn:problem:renewal-limit-reached")
                        || type.equals("urn:problem:already-returned"));
        assertThat(api.get("/borrowings/" + borrowingId).body().path("renewals").asLong()).isEqualTo(renewed);
        assertThat(api.outboxEvents()).filteredOn(e -> e.path("aggregateId").asText().equals(borrowingId))
                .extracting(e -> e.path("sequence").asLong())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, renewed + 2).boxed()
                        .toList());
    }

    /** Fifteen members queue at once: each gets their own place, and the first of them the copy that comes back. */
    @Test
    void shouldGiveEachOfFifteenRacingHoldsItsOwnPlace_andTheFreedCopyToTheFirst() throws Exception {
        String bookId = api.addBook(1);
        String borrowingId = api.borrow(api.registerUser(), bookId);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            users.add(api.registerUser());
        }

        List<LibraryApi.Response> responses = race(users, userId -> placeHold(userId, bookId));

        assertThat(outcomes(responses)).containsExactlyInAnyOrderEntriesOf(Map.of("201", 15L));
        List<Integer> positions = new ArrayList<>();
        responses.forEach(r -> positions.add(api.get("/holds/" + r.id("holdId")).body().path("position").asInt()));
        assertThat(positions).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.rangeClosed(1, 15)
                .boxed().toList());
        api.post("/borrowings/" + borrowingId + "/return", null);
        String first = responses.get(positions.indexOf(1)).id("holdId");
        assertThat(api.get("/holds/" + first).body().path("status").asText()).isEqualTo("READY");
        assertCopiesAddUp(bookId, 14);
    }

    /** Whichever comes first, the copy ends with the second in line, and Bea's hold cancelled. */
    @Test
    void shouldPassTheCopyToTheSecondInLine_whenAReturnRacesTheFirstsCancel() throws Exception {
        for (int round = 0; round < 5; round++) {
            String bookId = api.addBook(1);
            String borrowingId = api.borrow(api.registerUser(), bookId);
            String beasHold = placeHold(api.registerUser(), bookId).id("holdId");
            String cysHold = placeHold(api.registerUser(), bookId).id("holdId");

            List<LibraryApi.Response> responses = race(List.of("return", "cancel"), action -> action.equals("return")
                    ? api.post("/borrowings/" + borrowingId + "/return", null)
                    : api.delete("/holds/" + beasHold));

            assertThat(responses).extracting(LibraryApi.Response::status).containsOnly(200);
            assertThat(api.get("/holds/" + beasHold).body().path("status").asText()).isEqualTo("CANCELLED");
            assertThat(api.get("/holds/" + cysHold).body().path("status").asText()).isEqualTo("READY");
            assertCopiesAddUp(bookId, 0);
        }
    }

    /** The copy goes to exactly one member: to its holder, who collects it, or on expiry to the next in line. */
    @Test
    void shouldGiveTheCopyToExactlyOne_whenTheHoldersBorrowRacesTheExpiry() throws Exception {
        for (int round = 0; round < 5; round++) {
            String bookId = api.addBook(1);
            String borrowingId = api.borrow(api.registerUser(), bookId);
            String bea = api.registerUser();
            String beasHold = placeHold(bea, bookId).id("holdId");
            String cysHold = placeHold(api.registerUser(), bookId).id("holdId");
            api.post("/borrowings/" + borrowingId + "/return", null);
            api.clock.advance(LibraryApi.PICKUP_WINDOW);

            List<LibraryApi.Response> responses = race(List.of("borrow", "expire"), action -> {
                if (action.equals("borrow")) {
                    return borrow(bea, bookId);
                }
                int expired = api.library().holds().expireDue();
                return new LibraryApi.Response(200, null, Map.of("expired", Integer.toString(expired)));
            });

            String beas = api.get("/holds/" + beasHold).body().path("status").asText();
            String cys = api.get("/holds/" + cysHold).body().path("status").asText();
            if (responses.get(0).status() == 201) {
                assertThat(List.of(beas, cys)).containsExactly("FULFILLED", "PLACED");
                assertCopiesAddUp(bookId, 1);
            } else {
                assertThat(responses.get(0).problemType()).isEqualTo("urn:problem:no-copies-available");
                assertThat(List.of(beas, cys)).containsExactly("EXPIRED", "READY");
                assertCopiesAddUp(bookId, 0);
            }
        }
    }

    /** docs/design.md §4d's invariant: available + on hold shelf + active loans == total, none below 0. */
    private void assertCopiesAddUp(String bookId, int holdsWaiting) {
        var book = api.get("/books/" + bookId).body();
        long onLoan = api.get("/books/" + bookId + "/borrowings?status=ACTIVE&limit=100").body().path("items").size();
        int available = book.path("availableCopies").asInt();
        int shelf = book.path("onHoldShelf").asInt();
        assertThat(available).isNotNegative();
        assertThat(shelf).isNotNegative();
        assertThat(available + shelf + onLoan).as("%s", book).isEqualTo(book.path("totalCopies").asLong());
        assertThat(book.path("holdsWaiting").asInt()).isEqualTo(holdsWaiting);
        assertThat(api.get("/books/" + bookId + "/holds?limit=100").body().path("items").size())
                .as("the queue's open holds").isEqualTo(holdsWaiting + shelf);
    }

    private LibraryApi.Response placeHold(String userId, String bookId) {
        return api.post("/holds", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}");
    }

    private LibraryApi.Response borrow(String userId, String bookId) {
        return api.post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}");
    }

    /** Starts one request per input at the same instant and waits for every answer. */
    private <T> List<LibraryApi.Response> race(List<T> inputs, Function<T, LibraryApi.Response> request)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<LibraryApi.Response>> futures = new ArrayList<>();
        for (T input : inputs) {
            futures.add(pool.submit(() -> {
                start.await();
                return request.apply(input);
            }));
        }
        start.countDown();
        List<LibraryApi.Response> responses = new ArrayList<>();
        for (Future<LibraryApi.Response> future : futures) {
            responses.add(future.get());
        }
        return responses;
    }

    private static Map<String, Long> outcomes(List<LibraryApi.Response> responses) {
        return responses.stream().collect(Collectors.groupingBy(
                r -> r.status() == 201 ? "201" : r.status() + " " + r.problemType(), Collectors.counting()));
    }
}
