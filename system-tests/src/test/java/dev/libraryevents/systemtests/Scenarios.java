package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

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

    /**
     * docs/design.md §4c: a member finds books by the starts of their words and by ISBN, pages through 55 of them
     * while more are added (each once), and sees their own loans but not another's; a librarian lists users by
     * status and finds one by email, and lists a book's borrowings.
     */
    static void catalogAndLists(Stack.Api librarian, Stack.Api member) throws Exception {
        String tag = "t" + UUID.randomUUID().toString().replace("-", "");
        String dune = librarian.post("/books", "{\"title\":\"Dune " + tag + "\",\"author\":\"Frank Herbert\","
                + "\"copies\":1}", "it-catalog-dune").id("bookId");
        String marquez = librarian.post("/books", "{\"title\":\"Cien años de soledad " + tag + "\","
                + "\"author\":\"Gabriel García Márquez\",\"isbn\":\"978-0-06-088328-7\"}", "it-catalog-cien")
                .id("bookId");
        assertThat(ids(member.get("/books?q=" + encoded("garc marq " + tag)))).containsExactly(marquez);
        assertThat(ids(member.get("/books?q=9780060883287"))).contains(marquez);
        assertThat(ids(member.get("/books?q=" + tag.substring(0, 12)))).containsExactlyInAnyOrder(dune, marquez);

        Stack.Api.Response registered = member.post("/users", "{\"name\":\"Lia\"}", "it-catalog-member");
        assertThat(registered.status()).as("%s", registered.body()).isEqualTo(201);
        String memberId = registered.id("userId");
        String borrowingId = member.borrow(memberId, dune, "it-catalog-borrow").id("borrowingId");
        assertThat(ids(member.get("/books?q=" + tag + "&available=true"))).containsExactly(marquez);
        assertThat(ids(member.get("/users/" + memberId + "/borrowings"))).containsExactly(borrowingId);
        assertThat(ids(librarian.get("/books/" + dune + "/borrowings?status=ACTIVE"))).containsExactly(borrowingId);
        String other = librarian.registerUser("it-catalog-other");
        assertThat(member.get("/users/" + other + "/borrowings").status()).isEqualTo(404);
        assertThat(member.get("/users").status()).isEqualTo(403);
        assertThat(member.get("/books?limit=0").status()).isEqualTo(400);

        String shelf = "s" + UUID.randomUUID().toString().replace("-", "");
        Set<String> shelved = new HashSet<>();
        for (int i = 0; i < 55; i++) {
            shelved.add(librarian.post("/books", "{\"title\":\"Volume " + i + " " + shelf + "\",\"author\":\"Anon\"}",
                    "it-catalog-shelf").id("bookId"));
        }
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int added = 0;
        do {
            Stack.Api.Response page = member.get("/books?q=" + shelf + "&limit=10"
                    + (cursor == null ? "" : "&cursor=" + encoded(cursor)));
            assertThat(page.status()).as("%s", page.body()).isEqualTo(200);
            paged.addAll(ids(page));
            cursor = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asText();
            librarian.post("/books", "{\"title\":\"Volume late " + added++ + " " + shelf + "\",\"author\":\"Anon\"}",
                    "it-catalog-late");
        } while (cursor != null);
        assertThat(paged).doesNotHaveDuplicates().containsAll(shelved);

        String email = UUID.randomUUID() + "@example.org";
        String found = librarian.post("/users", "{\"name\":\"Eve\",\"email\":\"" + email + "\"}", "it-catalog-eve")
                .id("userId");
        assertThat(ids(librarian.get("/users?email=" + encoded(email.toUpperCase(Locale.ROOT))), "userId"))
                .containsExactly(found);
        librarian.post("/users/" + found + "/suspend", "{}", "it-catalog-suspend");
        assertThat(ids(librarian.get("/users?status=SUSPENDED&limit=100"), "userId")).contains(found);
        assertThat(ids(librarian.get("/users?limit=1"), "userId")).containsExactly(found);
    }

    /**
     * docs/design.md §4d: a member queues for a book whose one copy is out; the loan cannot be renewed while they
     * wait; its return sets the copy aside for them (the trace shows BookReturned, then HoldReady, then its notice)
     * and they collect it, which fulfils the hold; every consumer follows.
     */
    static void holds(Stack.Api librarian, Stack.Api member) throws Exception {
        Stack.Api.Response registered = member.post("/users", "{\"name\":\"Hal\"}", "it-holds-member");
        assertThat(registered.status()).as("%s", registered.body()).isEqualTo(201);
        String memberId = registered.id("userId");
        String bookId = librarian.post("/books", "{\"title\":\"Solaris\",\"author\":\"Stanisław Lem\"}",
                "it-holds-book").id("bookId");
        assertThat(member.post("/holds", hold(memberId, bookId), "it-holds-too-soon").body().path("type").asText())
                .isEqualTo("urn:problem:copies-available");
        String reader = librarian.registerUser("it-holds-reader");
        String loan = librarian.borrow(reader, bookId, "it-holds-borrow").id("borrowingId");

        Stack.Api.Response placed = member.post("/holds", hold(memberId, bookId), "it-holds-place");

        assertThat(placed.status()).as("%s", placed.body()).isEqualTo(201);
        String holdId = placed.id("holdId");
        assertThat(placed.body().path("position").asInt()).isEqualTo(1);
        assertThat(member.get("/users/" + memberId + "/holds").body().path("items").findValuesAsText("holdId"))
                .containsExactly(holdId);
        assertThat(librarian.get("/books/" + bookId + "/holds").body().path("items").findValuesAsText("holdId"))
                .containsExactly(holdId);
        assertThat(member.get("/books/" + bookId + "/holds").status()).isEqualTo(403);
        assertThat(librarian.post("/borrowings/" + loan + "/renew", null, "it-holds-renew").body().path("type")
                .asText()).isEqualTo("urn:problem:hold-pending");

        assertThat(librarian.post("/borrowings/" + loan + "/return", null, "it-holds-return").status())
                .isEqualTo(200);
        JsonNode ready = member.get("/holds/" + holdId).body();
        assertThat(ready.path("status").asText()).isEqualTo("READY");
        JsonNode book = member.get("/books/" + bookId).body();
        assertThat(List.of(book.path("availableCopies").asInt(), book.path("onHoldShelf").asInt()))
                .containsExactly(0, 1);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(member.notificationKinds(memberId))
                .contains("HOLD_READY"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode events = librarian.get("/traces/it-holds-return").body().path("events");
            String returned = eventId(events, "BookReturned", null);
            String readied = eventId(events, "HoldReady", returned);
            assertThat(eventId(events, "NotificationSent", readied)).as("HOLD_READY's notice").isNotNull();
        });

        Stack.Api.Response collected = member.borrow(memberId, bookId, "it-holds-collect");

        assertThat(collected.status()).as("%s", collected.body()).isEqualTo(201);
        assertThat(member.get("/holds/" + holdId).body().path("borrowingId").asText())
                .isEqualTo(collected.id("borrowingId"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(librarian.get("/audit/holds/" + holdId).body().path("items").findValuesAsText("eventType"))
                    .containsExactly("HoldPlaced", "HoldReady", "HoldFulfilled");
            JsonNode totals = librarian.get("/reports/usage").body().path("totals");
            assertThat(totals.path("holdsPlaced").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(totals.path("holdsFulfilled").asInt()).isGreaterThanOrEqualTo(1);
        });
        assertThat(librarian.get("/audit/books/" + bookId + "/state?at=" + ready.path("readyAt").asText()).body()
                .path("queue").findValuesAsText("status")).containsExactly("READY");
    }

    private static String hold(String userId, String bookId) {
        return "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}";
    }

    /** The id of the trace's event of this type caused by {@code cause} (any cause when null); fails when absent. */
    private static String eventId(JsonNode events, String type, String cause) {
        for (JsonNode event : events) {
            if (event.path("eventType").asText().equals(type)
                    && (cause == null || cause.equals(event.path("causationId").asText(null)))) {
                return event.path("eventId").asText();
            }
        }
        throw new AssertionError("no " + type + (cause == null ? "" : " caused by " + cause) + " in " + events);
    }

    private static List<String> ids(Stack.Api.Response page) {
        return ids(page, page.body().path("items").path(0).has("borrowingId") ? "borrowingId" : "bookId");
    }

    private static List<String> ids(Stack.Api.Response page, String field) {
        assertThat(page.status()).as("%s", page.body()).isEqualTo(200);
        return page.body().path("items").findValuesAsText(field);
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Add a book, register, borrow, renew, return, suspend, be refused; then every consumer's result, awaited. */
    static void lifecycle(Stack.Api api) throws Exception {
        String bookId = api.addBook("it-add");
        String userId = api.registerUser("it-register");
        Stack.Api.Response borrowed = api.borrow(userId, bookId, "it-borrow");
        assertThat(borrowed.status()).isEqualTo(201);
        String borrowingId = borrowed.id("borrowingId");
        Stack.Api.Response renewed = api.post("/borrowings/" + borrowingId + "/renew", null, "it-renew");
        assertThat(renewed.status()).as("%s", renewed.body()).isEqualTo(200);
        assertThat(renewed.body().path("renewals").asInt()).isEqualTo(1);
        assertThat(api.post("/borrowings/" + borrowingId + "/return", null, "it-return").status()).isEqualTo(200);
        assertThat(api.post("/borrowings/" + borrowingId + "/renew", null, "it-renew-returned").body().path("type")
                .asText()).isEqualTo("urn:problem:already-returned");
        assertThat(api.post("/users/" + userId + "/suspend", "{\"reason\":\"test\"}", "it-suspend").status())
                .isEqualTo(200);
        Stack.Api.Response refused = api.borrow(userId, bookId, "it-refused");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("type").asText()).isEqualTo("urn:problem:user-suspended");

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(api.notificationKinds(userId))
                .containsExactly("ACCOUNT_SUSPENDED", "RETURN_CONFIRMATION", "RENEWAL_CONFIRMATION",
                        "BORROW_CONFIRMATION", "WELCOME"));
        assertThat(api.get("/users/" + userId + "/borrowings").body().path("items").findValuesAsText("borrowingId"))
                .containsExactly(borrowingId);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode report = api.get("/reports/usage").body();
            assertThat(report.path("totals").path("borrowings").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(report.path("totals").path("returns").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(report.path("totals").path("renewals").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(report.path("totals").path("notificationsSent").asInt()).isGreaterThanOrEqualTo(5);
            assertThat(report.path("popularBooks").findValuesAsText("bookId")).contains(bookId);
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                api.get("/audit/borrowings/" + borrowingId).body().path("items").findValuesAsText("eventType"))
                .containsExactly("BookBorrowed", "LoanRenewed", "BookReturned"));
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
        Stack.Api.Response reinstated = api.post("/users/" + userId + "/reinstate", null, "it-reinstate");
        assertThat(reinstated.status()).as("%s", reinstated.body()).isEqualTo(200);
        assertThat(reinstated.body().path("status").asText()).isEqualTo("ACTIVE");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(api.notificationKinds(userId))
                .first().isEqualTo("ACCOUNT_REINSTATED"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(api.get("/reports/usage").body().path("totals").path("reinstatements").asInt())
                    .isGreaterThanOrEqualTo(1);
            assertThat(api.get("/audit/users/" + userId + "/state").body().path("status").asText())
                    .isEqualTo("ACTIVE");
        });
        Stack.Api.Response snapshot = api.post("/audit/snapshots", null, "it-snapshot");
        assertThat(snapshot.status()).isEqualTo(201);
        assertThat(snapshot.body().path("counts").path("borrowings").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(api.get("/nowhere").status()).isEqualTo(404);
        assertThat(api.get("/nowhere").body().path("type").asText()).isEqualTo("urn:problem:route-not-found");
    }
}
