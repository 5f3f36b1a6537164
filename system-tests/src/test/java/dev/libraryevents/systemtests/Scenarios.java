package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/** End-to-end scenarios over the REST API, the same wherever the stack runs: the local cloud or LocalStack. */
final class Scenarios {

    private Scenarios() {}

    /**
     * docs/design.md §4a with real tokens from the deployment's user pool: a member registers themself, borrows and
     * returns for themself and reads their own notifications; a member cannot do a librarian's work or see another's
     * things; nobody signed in gets the gateway's 401; the audit trail names who did each thing.
     *
     * @param librarian signed in as a librarian
     * @param member    signed in as a new member, not yet registered with the library
     */
    static void memberAndLibrarian(Stack.Api librarian, Stack.Api member) throws Exception {
        Stack.Api.Response registered = member.post("/users", "{\"name\":\"Mia\"}", "it-member-register");
        assertThat(registered.status()).as("%s", registered.body()).isEqualTo(201);
        String memberId = registered.id("userId");
        assertThat(member.post("/users", "{\"name\":\"Mia\"}", "it-member-again").body().path("type").asText())
                .isEqualTo("urn:problem:already-registered");
        String bookId = librarian.addBook("it-librarian-book");
        String otherId = librarian.registerUser("it-walk-in");

        Stack.Api.Response borrowed = member.borrow(memberId, bookId, "it-member-borrow");
        assertThat(borrowed.status()).isEqualTo(201);
        String borrowingId = borrowed.id("borrowingId");
        assertThat(member.borrow(otherId, bookId, "it-member-for-another").status()).isEqualTo(403);
        assertThat(member.get("/users/" + otherId).status()).isEqualTo(404);
        assertThat(member.get("/users/" + otherId + "/notifications").status()).isEqualTo(404);
        assertThat(member.post("/books", "{\"title\":\"T\",\"author\":\"A\"}", "it-member-book").status())
                .isEqualTo(403);
        for (String librariansOnly : List.of("/reports/usage", "/audit/books/" + bookId, "/traces/it-member-borrow")) {
            assertThat(member.get(librariansOnly).status()).as(librariansOnly).isEqualTo(403);
        }
        Stack.Api.Response anonymous = member.as(null).get("/books/" + bookId);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.body().path("type").asText()).isEqualTo("urn:problem:unauthorized");
        assertThat(anonymous.headers().get("www-authenticate")).containsExactly("Bearer");

        assertThat(member.post("/borrowings/" + borrowingId + "/return", null, "it-member-return").status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(member.notificationKinds(memberId))
                .containsExactly("RETURN_CONFIRMATION", "BORROW_CONFIRMATION", "WELCOME"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode trail = librarian.get("/audit/borrowings/" + borrowingId).body().path("items");
            assertThat(trail.findValuesAsText("eventType")).containsExactly("BookBorrowed", "BookReturned");
            assertThat(trail.findValues("actor")).allSatisfy(actor -> {
                assertThat(actor.path("role").asText()).isEqualTo("member");
                assertThat(actor.path("sub").asText()).isEqualTo(memberId);
            });
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(librarian.get("/audit/books/" + bookId)
                .body().path("items").get(0).path("actor").path("role").asText()).isEqualTo("librarian"));
    }

    /** Add a book, register, borrow, return, suspend, be refused; then every consumer's result, awaited. */
    static void lifecycle(Stack.Api api) throws Exception {
        String bookId = api.addBook("it-add");
        String userId = api.registerUser("it-register");
        Stack.Api.Response borrowed = api.borrow(userId, bookId, "it-borrow");
        assertThat(borrowed.status()).isEqualTo(201);
        String borrowingId = borrowed.id("borrowingId");
        assertThat(api.post("/borrowings/" + borrowingId + "/return", null, "it-return").status()).isEqualTo(200);
        assertThat(api.post("/users/" + userId + "/suspend", "{\"reason\":\"test\"}", "it-suspend").status())
                .isEqualTo(200);
        Stack.Api.Response refused = api.borrow(userId, bookId, "it-refused");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("type").asText()).isEqualTo("urn:problem:user-suspended");

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(api.notificationKinds(userId))
                .containsExactly("ACCOUNT_SUSPENDED", "RETURN_CONFIRMATION", "BORROW_CONFIRMATION", "WELCOME"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode report = api.get("/reports/usage").body();
            assertThat(report.path("totals").path("borrowings").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(report.path("totals").path("returns").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(report.path("totals").path("notificationsSent").asInt()).isGreaterThanOrEqualTo(4);
            assertThat(report.path("popularBooks").findValuesAsText("bookId")).contains(bookId);
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                api.get("/audit/borrowings/" + borrowingId).body().path("items").findValuesAsText("eventType"))
                .containsExactly("BookBorrowed", "BookReturned"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode trace = api.get("/traces/it-borrow").body().path("events");
            assertThat(trace.findValuesAsText("eventType")).contains("BookBorrowed", "NotificationSent");
            assertThat(trace.get(0).path("eventType").asText()).isEqualTo("BookBorrowed");
        });
        String returnedAt = api.get("/borrowings/" + borrowingId).body().path("returnedAt").asText();
        assertThat(api.get("/audit/users/" + userId + "/state?at=" + returnedAt).body().path("status").asText())
                .isEqualTo("ACTIVE");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                api.get("/audit/users/" + userId + "/state").body().path("status").asText()).isEqualTo("SUSPENDED"));
        Stack.Api.Response snapshot = api.post("/audit/snapshots", null, "it-snapshot");
        assertThat(snapshot.status()).isEqualTo(201);
        assertThat(snapshot.body().path("counts").path("borrowings").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(api.get("/nowhere").status()).isEqualTo(404);
        assertThat(api.get("/nowhere").body().path("type").asText()).isEqualTo("urn:problem:route-not-found");
    }
}
