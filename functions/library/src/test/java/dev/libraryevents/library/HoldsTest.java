package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.testing.SignedIn;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The holds queue through the Library API (docs/design.md §4d), on DynamoDB Local. */
class HoldsTest {

    private final LibraryApi api = new LibraryApi();

    @Test
    void shouldQueueOnlyForABookWithNoFreeCopy_inPlacementOrder_andRefuseEachBadHold() {
        String bookId = api.addBook(1);
        String ada = api.registerUser();
        String bea = api.registerUser();
        String cy = api.registerUser();
        assertThat(placeHold(ada, bookId).problemType()).as("a free copy: borrow it")
                .isEqualTo("urn:problem:copies-available");
        api.borrow(ada, bookId);

        LibraryApi.Response first = placeHold(bea, bookId);
        LibraryApi.Response second = placeHold(cy, bookId);

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Location")).isEqualTo("/holds/" + first.id("holdId"));
        assertThat(first.body().path("status").asText()).isEqualTo("PLACED");
        assertThat(first.body().path("position").asInt()).isEqualTo(1);
        assertThat(second.body().path("position").asInt()).isEqualTo(2);
        assertThat(placeHold(bea, bookId).problemType()).isEqualTo("urn:problem:already-held");
        assertThat(placeHold(ada, bookId).problemType()).isEqualTo("urn:problem:already-borrowed");
        assertThat(book(bookId).path("holdsWaiting").asInt()).isEqualTo(2);
        assertThat(book(bookId).path("onHoldShelf").asInt()).isZero();
        assertThat(api.get("/books/" + bookId + "/holds").body().path("items").findValuesAsText("holdId"))
                .containsExactly(first.id("holdId"), second.id("holdId"));
        assertThat(api.get("/books/" + bookId + "/holds?limit=1&cursor=" + URLEncoder.encode(
                api.get("/books/" + bookId + "/holds?limit=1").body().path("nextCursor").asText(),
                StandardCharsets.UTF_8)).body().path("items").findValuesAsText("position"))
                .as("the second page's first hold is second in line").containsExactly("2");
        String adasLoan = api.get("/users/" + ada + "/borrowings").body().path("items").get(0).path("borrowingId")
                .asText();
        assertThat(api.post("/borrowings/" + adasLoan + "/renew", null).problemType())
                .isEqualTo("urn:problem:hold-pending");
    }

    @Test
    void shouldSetAReturnedCopyAsideForTheFirstInLine_whoAloneMayBorrowIt_inTheReturnsTransaction() {
        String bookId = api.addBook(1);
        String ada = api.registerUser();
        String bea = api.registerUser();
        String cy = api.registerUser();
        String loan = api.borrow(ada, bookId);
        String beasHold = placeHold(bea, bookId).id("holdId");
        String cysHold = placeHold(cy, bookId).id("holdId");

        api.clock.tickOnEveryRead(Duration.ofMillis(1));
        api.post("/borrowings/" + loan + "/return", null);
        api.clock.tickOnEveryRead(Duration.ZERO);

        JsonNode ready = api.get("/holds/" + beasHold).body();
        assertThat(ready.path("status").asText()).isEqualTo("READY");
        assertThat(ready.path("position").isNull()).isTrue();
        JsonNode returned = event("BookReturned");
        assertThat(List.of(ready.path("readyAt").asText(), event("HoldReady").path("occurredAt").asText(),
                returned.path("data").path("returnedAt").asText()))
                .as("one instant for the return's transaction, so the state at readyAt shows the hold READY")
                .containsOnly(returned.path("occurredAt").asText());
        assertThat(ready.path("pickupBy").asText()).isEqualTo(EventCodec.timestamp(
                Instant.parse(ready.path("readyAt").asText()).plus(LibraryApi.PICKUP_WINDOW)));
        assertThat(api.get("/holds/" + cysHold).body().path("position").asInt()).isEqualTo(1);
        JsonNode book = book(bookId);
        assertThat(book.path("availableCopies").asInt()).isZero();
        assertThat(book.path("onHoldShelf").asInt()).isEqualTo(1);
        assertThat(book.path("holdsWaiting").asInt()).isEqualTo(1);
        assertThat(event("HoldReady").path("causationId").asText()).isEqualTo(returned.path("eventId").asText());
        assertThat(event("HoldReady").path("correlationId").asText())
                .isEqualTo(returned.path("correlationId").asText());
        String dan = api.registerUser();
        assertThat(borrow(dan, bookId).problemType()).as("the copy is Bea's")
                .isEqualTo("urn:problem:no-copies-available");
        assertThat(borrow(cy, bookId).problemType()).isEqualTo("urn:problem:no-copies-available");

        LibraryApi.Response collected = borrow(bea, bookId);

        assertThat(collected.status()).isEqualTo(201);
        JsonNode fulfilled = api.get("/holds/" + beasHold).body();
        assertThat(fulfilled.path("status").asText()).isEqualTo("FULFILLED");
        assertThat(fulfilled.path("borrowingId").asText()).isEqualTo(collected.id("borrowingId"));
        assertThat(book(bookId).path("onHoldShelf").asInt()).isZero();
        assertThat(book(bookId).path("availableCopies").asInt()).isZero();
        assertThat(api.get("/books/" + bookId + "/holds").body().path("items").findValuesAsText("holdId"))
                .containsExactly(cysHold);
    }

    @Test
    void shouldPassACancelledReadyCopyOn_andBackToTheShelfWhenNobodyWaits() {
        String bookId = api.addBook(1);
        String ada = api.registerUser();
        String bea = api.registerUser();
        String cy = api.registerUser();
        String loan = api.borrow(ada, bookId);
        String beasHold = placeHold(bea, bookId).id("holdId");
        String cysHold = placeHold(cy, bookId).id("holdId");
        api.post("/borrowings/" + loan + "/return", null);

        LibraryApi.Response cancelled = api.as(new SignedIn(bea, "bea@example.org", null))
                .delete("/holds/" + beasHold);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.body().path("reason").asText()).isEqualTo("member");
        assertThat(api.get("/holds/" + cysHold).body().path("status").asText()).isEqualTo("READY");
        assertThat(api.delete("/holds/" + beasHold).problemType()).isEqualTo("urn:problem:hold-closed");

        assertThat(api.delete("/holds/" + cysHold).body().path("reason").asText()).isEqualTo("librarian");
        assertThat(book(bookId).path("availableCopies").asInt()).isEqualTo(1);
        assertThat(book(bookId).path("onHoldShelf").asInt()).isZero();
        assertThat(book(bookId).path("holdsWaiting").asInt()).isZero();
        assertThat(api.get("/users/" + bea + "/holds").body().path("items").findValuesAsText("status"))
                .containsExactly("CANCELLED");
    }

    @Test
    void shouldExpireAnUncollectedHold_onlyAfterItsPickupWindow_andPassTheCopyOn() {
        String bookId = api.addBook(1);
        String ada = api.registerUser();
        String bea = api.registerUser();
        String cy = api.registerUser();
        String loan = api.borrow(ada, bookId);
        String beasHold = placeHold(bea, bookId).id("holdId");
        String cysHold = placeHold(cy, bookId).id("holdId");
        api.post("/borrowings/" + loan + "/return", null);
        Holds holds = api.library().holds();

        api.clock.advance(LibraryApi.PICKUP_WINDOW.minusSeconds(1));
        assertThat(holds.expireDue()).as("a second early").isZero();
        api.clock.advance(Duration.ofSeconds(1));
        assertThat(holds.expireDue()).isEqualTo(1);
        assertThat(holds.expireDue()).as("once only").isZero();

        JsonNode expired = api.get("/holds/" + beasHold).body();
        assertThat(expired.path("status").asText()).isEqualTo("EXPIRED");
        assertThat(expired.path("expiredAt").asText()).isEqualTo("2026-11-22T11:00:00.000Z");
        assertThat(api.get("/holds/" + cysHold).body().path("status").asText()).isEqualTo("READY");
        assertThat(event("HoldExpired").path("actor").path("role").asText()).isEqualTo("system");
        assertThat(book(bookId).path("onHoldShelf").asInt()).isEqualTo(1);
    }

    @Test
    void shouldCancelTheOpenHoldsOfASuspendedUser_andRefuseThemNewOnes() {
        String bookId = api.addBook(1);
        String ada = api.registerUser();
        String bea = api.registerUser();
        String cy = api.registerUser();
        String loan = api.borrow(ada, bookId);
        String beasHold = placeHold(bea, bookId).id("holdId");
        String cysHold = placeHold(cy, bookId).id("holdId");
        api.post("/borrowings/" + loan + "/return", null); // Bea's is READY, Cy's PLACED
        api.post("/users/" + bea + "/suspend", "{}");
        api.post("/users/" + cy + "/suspend", "{}");

        // what the library consumer does on each UserSuspended (its rule takes them from the bus)
        api.outboxEvents().stream().filter(e -> e.path("eventType").asText().equals("UserSuspended"))
                .forEach(e -> api.effects.effects(EventCodec.shared().decode(e.toString())));

        assertThat(api.get("/holds/" + beasHold).body().path("reason").asText()).isEqualTo("user-suspended");
        assertThat(api.get("/holds/" + cysHold).body().path("status").asText()).isEqualTo("CANCELLED");
        assertThat(book(bookId).path("availableCopies").asInt()).as("nobody left in line").isEqualTo(1);
        String other = api.addBook(1);
        api.borrow(ada, other);
        assertThat(placeHold(bea, other).problemType()).isEqualTo("urn:problem:user-suspended");

        api.clock.advance(Duration.ofMinutes(1));
        api.post("/users/" + bea + "/reinstate", null);
        String afterwards = placeHold(bea, other).id("holdId");
        api.outboxEvents().stream().filter(e -> e.path("eventType").asText().equals("UserSuspended"))
                .forEach(e -> api.effects.effects(EventCodec.shared().decode(e.toString())));
        assertThat(api.get("/holds/" + afterwards).body().path("status").asText())
                .as("a late suspension leaves a hold placed after the reinstatement").isEqualTo("PLACED");
    }

    @Test
    void shouldKeepAMemberToFiveOpenHolds_andTheirOwn() {
        String reader = api.registerUser();
        String lender = api.registerUser();
        for (int i = 0; i < 5; i++) {
            String bookId = api.addBook(1);
            api.borrow(lender, bookId);
            assertThat(placeHold(reader, bookId).status()).isEqualTo(201);
        }
        String sixth = api.addBook(1);
        String another = api.registerUser();
        api.borrow(another, sixth);

        assertThat(placeHold(reader, sixth).problemType()).isEqualTo("urn:problem:hold-limit-reached");
        LibraryApi member = api.as(new SignedIn(another, "another@example.org", null));
        String readersHold = api.get("/users/" + reader + "/holds").body().path("items").get(0).path("holdId")
                .asText();
        assertThat(member.get("/holds/" + readersHold).status()).isEqualTo(404);
        assertThat(member.delete("/holds/" + readersHold).status()).isEqualTo(404);
        assertThat(member.get("/users/" + reader + "/holds").status()).isEqualTo(404);
        assertThat(member.get("/books/" + sixth + "/holds").status()).isEqualTo(403);
        assertThat(member.post("/holds", "{\"userId\":\"" + reader + "\",\"bookId\":\"" + sixth + "\"}").status())
                .isEqualTo(403);
        assertThat(api.get("/users/" + reader + "/holds?status=PLACED&limit=2").body().path("items").size())
                .isEqualTo(2);
    }

    private LibraryApi.Response placeHold(String userId, String bookId) {
        return api.post("/holds", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}");
    }

    private LibraryApi.Response borrow(String userId, String bookId) {
        return api.post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}");
    }

    private JsonNode book(String bookId) {
        return api.get("/books/" + bookId).body();
    }

    private JsonNode event(String type) {
        return api.outboxEvents().stream().filter(e -> e.path("eventType").asText().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in the outbox"));
    }
}
