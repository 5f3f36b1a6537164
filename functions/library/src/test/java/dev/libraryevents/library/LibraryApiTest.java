package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventSchemas;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.testing.ItemSize;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every route's success path and every 404 and 409 of docs/design.md §4, through the function's handler. */
class LibraryApiTest {

    private final LibraryApi api = new LibraryApi();

    @Test
    void shouldPrimeEveryRouteAndTheWritePath_withoutWritingAnything() {
        api.prime();

        assertThat(LibraryApi.DYNAMODB.client().scan(r -> r.tableName(api.table)).items()).isEmpty();
    }

    @Nested
    class Books {

        @Test
        void shouldAddABook_andAnswer201WithItsLocation() {
            LibraryApi.Response added = api.post("/books",
                    "{\"title\":\" Dune \",\"author\":\"Frank Herbert\",\"isbn\":\"978-0-441-17271-9\",\"copies\":3}");

            assertThat(added.status()).isEqualTo(201);
            String bookId = added.id("bookId");
            assertThat(added.header("Location")).isEqualTo("/books/" + bookId);
            assertThat(added.header("Content-Type")).isEqualTo("application/json");
            assertThat(added.body()).isEqualTo(api.get("/books/" + bookId).body());
            assertThat(added.body().path("title").asText()).isEqualTo("Dune");
            assertThat(added.body().path("isbn").asText()).isEqualTo("9780441172719");
            assertThat(added.body().path("totalCopies").asInt()).isEqualTo(3);
            assertThat(added.body().path("availableCopies").asInt()).isEqualTo(3);
            assertThat(added.body().path("addedAt").asText()).isEqualTo("2026-11-22T10:00:00.000Z");
        }

        @Test
        void shouldDefaultToOneCopy_andAcceptABookWithoutIsbn() {
            LibraryApi.Response added = api.post("/books", "{\"title\":\"Ficciones\",\"author\":\"Borges\"}");

            assertThat(added.status()).isEqualTo(201);
            assertThat(added.body().path("totalCopies").asInt()).isEqualTo(1);
            assertThat(added.body().path("isbn").isNull()).isTrue();
        }

        @Test
        void shouldAnswerNotFound_forABookThatDoesNotExist() {
            assertProblem(api.get("/books/" + UUID.randomUUID()), 404, "not-found");
            assertProblem(api.get("/books/not-a-uuid"), 404, "not-found");
        }
    }

    @Nested
    class Users {

        @Test
        void shouldRegisterAUser_asActiveWithNoLoans() {
            LibraryApi.Response registered = api.post("/users",
                    "{\"name\":\"Ada Lovelace\",\"email\":\"Ada@Example.org\"}");

            assertThat(registered.status()).isEqualTo(201);
            assertThat(registered.header("Location")).isEqualTo("/users/" + registered.id("userId"));
            assertThat(registered.body().path("status").asText()).isEqualTo("ACTIVE");
            assertThat(registered.body().path("activeLoans").asInt()).isZero();
            assertThat(registered.body().path("registeredAt").asText()).isEqualTo("2026-11-22T10:00:00.000Z");
            assertThat(api.get("/users/" + registered.id("userId")).body()).isEqualTo(registered.body());
        }

        @Test
        void shouldRefuseAnEmailAlreadyTaken_whateverItsCase() {
            api.post("/users", "{\"name\":\"Ada\",\"email\":\"ada@example.org\"}");

            assertRejectedWithoutChange(() -> api.post("/users", "{\"name\":\"Ada 2\",\"email\":\"ADA@example.ORG\"}"),
                    409, "email-taken");
        }

        @Test
        void shouldSuspendAUser_once() {
            String userId = api.registerUser();

            LibraryApi.Response suspended = api.post("/users/" + userId + "/suspend", "{\"reason\":\"Lost 3 books\"}");

            assertThat(suspended.status()).isEqualTo(200);
            assertThat(suspended.body().path("status").asText()).isEqualTo("SUSPENDED");
            assertRejectedWithoutChange(() -> api.post("/users/" + userId + "/suspend", null), 409,
                    "already-suspended");
        }

        @Test
        void shouldSuspendWithoutABody() {
            String userId = api.registerUser();

            assertThat(api.send("POST", "/users/" + userId + "/suspend", null, null, Map.of()).status())
                    .isEqualTo(200);
        }

        @Test
        void shouldAnswerNotFound_forAUserThatDoesNotExist() {
            assertProblem(api.get("/users/" + UUID.randomUUID()), 404, "not-found");
            assertRejectedWithoutChange(() -> api.post("/users/" + UUID.randomUUID() + "/suspend", "{}"), 404,
                    "not-found");
        }
    }

    @Nested
    class Borrowings {

        @Test
        void shouldLendACopyForFourteenDays() {
            String userId = api.registerUser();
            String bookId = api.addBook(2);

            LibraryApi.Response borrowed = api.post("/borrowings",
                    "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}");

            assertThat(borrowed.status()).isEqualTo(201);
            assertThat(borrowed.header("Location")).isEqualTo("/borrowings/" + borrowed.id("borrowingId"));
            assertThat(borrowed.body().path("status").asText()).isEqualTo("ACTIVE");
            assertThat(borrowed.body().path("bookTitle").asText()).isEqualTo("Dune");
            assertThat(borrowed.body().path("borrowedAt").asText()).isEqualTo("2026-11-22T10:00:00.000Z");
            assertThat(borrowed.body().path("dueAt").asText()).isEqualTo("2026-12-06T10:00:00.000Z");
            assertThat(api.get("/borrowings/" + borrowed.id("borrowingId")).body()).isEqualTo(borrowed.body());
            assertThat(api.get("/books/" + bookId).body().path("availableCopies").asInt()).isEqualTo(1);
            assertThat(api.get("/users/" + userId).body().path("activeLoans").asInt()).isEqualTo(1);
        }

        @Test
        void shouldTakeBackACopy_onTime() {
            String userId = api.registerUser();
            String bookId = api.addBook(1);
            String borrowingId = api.borrow(userId, bookId);
            api.clock.advance(Duration.ofDays(3));

            LibraryApi.Response returned = api.post("/borrowings/" + borrowingId + "/return", null);

            assertThat(returned.status()).isEqualTo(200);
            assertThat(returned.body().path("status").asText()).isEqualTo("RETURNED");
            assertThat(returned.body().path("returnedAt").asText()).isEqualTo("2026-11-25T10:00:00.000Z");
            assertThat(returned.body().path("overdue").asBoolean()).isFalse();
            assertThat(api.get("/borrowings/" + borrowingId).body()).isEqualTo(returned.body());
            assertThat(api.get("/books/" + bookId).body().path("availableCopies").asInt()).isEqualTo(1);
            assertThat(api.get("/users/" + userId).body().path("activeLoans").asInt()).isZero();
        }

        @Test
        void shouldMarkAReturnOverdue_afterTheDueDate() {
            String borrowingId = api.borrow(api.registerUser(), api.addBook(1));
            api.clock.advance(Duration.ofDays(14).plusMillis(1));

            assertThat(api.post("/borrowings/" + borrowingId + "/return", null).body().path("overdue").asBoolean())
                    .isTrue();
        }

        @Test
        void shouldRefuseASecondReturn() {
            String borrowingId = api.borrow(api.registerUser(), api.addBook(1));
            api.post("/borrowings/" + borrowingId + "/return", null);

            assertRejectedWithoutChange(() -> api.post("/borrowings/" + borrowingId + "/return", null), 409,
                    "already-returned");
        }

        @Test
        void shouldRefuseABorrow_whenNoCopiesAreLeft() {
            String bookId = api.addBook(1);
            api.borrow(api.registerUser(), bookId);
            String secondUser = api.registerUser();

            assertRejectedWithoutChange(() -> borrow(secondUser, bookId), 409, "no-copies-available");
        }

        @Test
        void shouldRefuseASecondCopyOfTheSameBook_untilTheFirstIsReturned() {
            String userId = api.registerUser();
            String bookId = api.addBook(3);
            String borrowingId = api.borrow(userId, bookId);

            assertRejectedWithoutChange(() -> borrow(userId, bookId), 409, "already-borrowed");

            api.post("/borrowings/" + borrowingId + "/return", null);
            assertThat(borrow(userId, bookId).status()).isEqualTo(201);
        }

        @Test
        void shouldRefuseASixthLoan() {
            String userId = api.registerUser();
            for (int i = 0; i < 5; i++) {
                assertThat(borrow(userId, api.addBook(1)).status()).isEqualTo(201);
            }
            String sixth = api.addBook(1);

            assertRejectedWithoutChange(() -> borrow(userId, sixth), 409, "loan-limit-reached");
        }

        @Test
        void shouldRefuseABorrowBySuspendedUser_butLetThemReturn() {
            String userId = api.registerUser();
            String borrowingId = api.borrow(userId, api.addBook(1));
            api.post("/users/" + userId + "/suspend", "{}");
            String another = api.addBook(1);

            assertRejectedWithoutChange(() -> borrow(userId, another), 409, "user-suspended");
            assertThat(api.post("/borrowings/" + borrowingId + "/return", null).status()).isEqualTo(200);
        }

        @Test
        void shouldAnswerNotFound_forAnUnknownUserBookOrBorrowing() {
            String userId = api.registerUser();
            String bookId = api.addBook(1);

            assertRejectedWithoutChange(() -> borrow(UUID.randomUUID().toString(), bookId), 404, "not-found");
            assertRejectedWithoutChange(() -> borrow(userId, UUID.randomUUID().toString()), 404, "not-found");
            assertRejectedWithoutChange(() -> api.post("/borrowings/" + UUID.randomUUID() + "/return", null), 404,
                    "not-found");
            assertProblem(api.get("/borrowings/" + UUID.randomUUID()), 404, "not-found");
        }

        private LibraryApi.Response borrow(String userId, String bookId) {
            return api.post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}");
        }
    }

    @Nested
    class Renewals {

        @Test
        void shouldRenewForFourteenDaysFromTheRenewal_twice_andNoMore() {
            String borrowingId = api.borrow(api.registerUser(), api.addBook(1));
            assertThat(api.get("/borrowings/" + borrowingId).body().path("renewals").asInt()).isZero();
            api.clock.advance(Duration.ofDays(10));

            LibraryApi.Response renewed = api.post("/borrowings/" + borrowingId + "/renew", null);

            assertThat(renewed.status()).isEqualTo(200);
            assertThat(renewed.body().path("dueAt").asText()).isEqualTo("2026-12-16T10:00:00.000Z");
            assertThat(renewed.body().path("renewals").asInt()).isEqualTo(1);
            assertThat(renewed.body().path("status").asText()).isEqualTo("ACTIVE");
            assertThat(api.get("/borrowings/" + borrowingId).body()).isEqualTo(renewed.body());

            assertThat(api.post("/borrowings/" + borrowingId + "/renew", null).body().path("renewals").asInt())
                    .as("the same day: the due date stays, the renewal counts").isEqualTo(2);
            assertRejectedWithoutChange(() -> api.post("/borrowings/" + borrowingId + "/renew", null), 409,
                    "renewal-limit-reached");
        }

        @Test
        void shouldRefuseToRenew_aReturnedLoan_orASuspendedUsersLoan() {
            String userId = api.registerUser();
            String returned = api.borrow(userId, api.addBook(1));
            api.post("/borrowings/" + returned + "/return", null);
            String active = api.borrow(userId, api.addBook(1));
            api.post("/users/" + userId + "/suspend", "{}");

            assertRejectedWithoutChange(() -> api.post("/borrowings/" + returned + "/renew", null), 409,
                    "already-returned");
            assertRejectedWithoutChange(() -> api.post("/borrowings/" + active + "/renew", null), 409,
                    "user-suspended");
            assertRejectedWithoutChange(() -> api.post("/borrowings/" + UUID.randomUUID() + "/renew", null), 404,
                    "not-found");
        }

        @Test
        void shouldNumberARenewedLoansEvents_andReturnIt_afterItsRenewal() {
            String borrowingId = api.borrow(api.registerUser(), api.addBook(1));
            api.clock.advance(Duration.ofDays(10));
            api.post("/borrowings/" + borrowingId + "/renew", null); // due on day 24 now
            api.clock.advance(Duration.ofDays(10)); // overdue by the first date, not by the renewed one

            LibraryApi.Response returned = api.post("/borrowings/" + borrowingId + "/return", null);

            assertThat(returned.body().path("overdue").asBoolean()).isFalse();
            assertThat(returned.body().path("renewals").asInt()).isEqualTo(1);
            assertThat(api.outboxEvents()).filteredOn(e -> e.path("aggregateId").asText().equals(borrowingId))
                    .extracting(e -> e.path("eventType").asText() + " #" + e.path("sequence").asLong())
                    .containsExactlyInAnyOrder("BookBorrowed #1", "LoanRenewed #2", "BookReturned #3");
        }
    }

    @Nested
    class CorrelationAndEvents {

        @Test
        void shouldEchoACallersCorrelationId_andCarryItIntoTheEvent() {
            LibraryApi.Response added = api.send("POST", "/books", "application/json",
                    "{\"title\":\"Dune\",\"author\":\"Frank Herbert\"}", Map.of("x-correlation-id", "req-42.a_b"));

            assertThat(added.header("X-Correlation-Id")).isEqualTo("req-42.a_b");
            assertThat(api.outboxEvents()).singleElement()
                    .satisfies(event -> assertThat(event.path("correlationId").asText()).isEqualTo("req-42.a_b"));
        }

        @Test
        void shouldReplaceAnUnacceptableCorrelationId_evenOnErrors() {
            LibraryApi.Response response = api.send("GET", "/books/" + UUID.randomUUID(), null, null,
                    Map.of("X-Correlation-Id", "has spaces and !"));

            assertThat(response.header("X-Correlation-Id")).matches("[0-9a-f-]{36}");
            assertThat(api.send("GET", "/nowhere", null, null, Map.of("X-Correlation-Id", "x".repeat(129)))
                    .header("X-Correlation-Id")).matches("[0-9a-f-]{36}");
        }

        /**
         * A write costs a unit per started KB, twice in the command's transaction, and a borrow's event alone is
         * near 1 KB: its outbox row holds the keys, the event and its expiry, nothing the event already says.
         */
        @Test
        void shouldKeepTheOutboxRowsOfABorrowAndReturnWithinOneWriteUnit_forALongTitleAndName() {
            String bookId = api.post("/books", "{\"title\":\"The Hitchhiker's Guide to the Galaxy: The Trilogy\","
                    + "\"author\":\"Douglas Adams\",\"copies\":1}").id("bookId");
            String userId = api.post("/users", "{\"name\":\"Maria Fernanda Oliveira\",\"email\":\""
                    + UUID.randomUUID() + "@example.org\"}").id("userId");
            api.post("/borrowings/" + api.borrow(userId, bookId) + "/return", null);

            var outboxRows = api.items().stream()
                    .filter(item -> item.get(Items.PARTITION_KEY).s().startsWith(Outbox.ROW_PREFIX)).toList();
            assertThat(outboxRows).hasSize(4).allSatisfy(row -> {
                assertThat(row).containsOnlyKeys(Items.PARTITION_KEY, Items.SORT_KEY, Outbox.EVENT, Outbox.EXPIRES_AT);
                assertThat(ItemSize.bytes(row)).as(row.get(Outbox.EVENT).s())
                        .isLessThanOrEqualTo(ItemSize.ONE_WRITE_UNIT);
            });
        }

        @Test
        void shouldRecordEachChangeAsOneValidEvent_withSequencesPerAggregate() {
            String userId = api.registerUser();
            String bookId = api.addBook(1);
            String borrowingId = api.borrow(userId, bookId);
            api.clock.advance(Duration.ofDays(20));
            api.post("/borrowings/" + borrowingId + "/return", null);
            api.post("/users/" + userId + "/suspend", "{\"reason\":\"late\"}");
            api.post("/users/" + userId + "/reinstate", null);

            assertThat(api.outboxEvents()).allSatisfy(event ->
                    assertThat(EventSchemas.shared().validate(event)).isEmpty());
            assertThat(api.outboxEvents())
                    .extracting(e -> e.path("eventType").asText() + " " + e.path("aggregateId").asText() + " #"
                            + e.path("sequence").asLong())
                    .containsExactlyInAnyOrder(
                            "UserRegistered " + userId + " #1",
                            "BookAdded " + bookId + " #1",
                            "BookBorrowed " + borrowingId + " #1",
                            "BookReturned " + borrowingId + " #2",
                            "UserSuspended " + userId + " #2",
                            "UserReinstated " + userId + " #3");
            JsonNode returned = api.outboxEvents().stream()
                    .filter(e -> e.path("eventType").asText().equals("BookReturned")).findFirst().orElseThrow();
            assertThat(EventCodec.shared().fromJson(returned).data()).hasFieldOrPropertyWithValue("overdue", true)
                    .hasFieldOrPropertyWithValue("returnedAt", Instant.parse("2026-12-12T10:00:00Z"));
        }
    }

    private void assertRejectedWithoutChange(Supplier<LibraryApi.Response> request, int status, String slug) {
        var before = api.items();
        assertProblem(request.get(), status, slug);
        assertThat(api.items()).containsExactlyInAnyOrderElementsOf(before);
    }

    static void assertProblem(LibraryApi.Response response, int status, String slug) {
        assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.problemType()).isEqualTo("urn:problem:" + slug);
        assertThat(response.body().path("status").asInt()).isEqualTo(status);
        assertThat(response.body().path("title").asText()).isNotBlank();
        assertThat(response.body().path("detail").asText()).isNotBlank();
    }
}
