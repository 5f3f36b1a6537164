package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.LocalCloud;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/design.md §4b end to end on the local cloud, through AWS's APIs only (so the same test can run against
 * LocalStack or AWS): the data keys come from the template's KMS key, under each function's IAM policy; erasing a user
 * leaves no name or email readable in any table, any answer, or after replaying the bus archive.
 */
class PersonalDataIT {

    @RegisterExtension
    static final RunningLocalCloud CLOUD = RunningLocalCloud.started();

    private static LocalCloud cloud;
    private static Deployment deployment;

    @BeforeAll
    static void connect() {
        cloud = CLOUD.cloud();
        deployment = CLOUD.deployment();
    }

    @Test
    void shouldEraseAUsersNameAndEmailEverywhere_andAReplayOfTheArchiveBringsNoneBack() throws Exception {
        Stack.Api api = deployment.api;
        Instant start = Instant.now().minusSeconds(1);
        String name = "Erin " + UUID.randomUUID();
        String email = "erin-" + UUID.randomUUID() + "@example.org";
        String userId = api.post("/users", "{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}", "pd-register")
                .id("userId");
        String bookId = api.addBook("pd-book");
        String borrowingId = api.borrow(userId, bookId, "pd-borrow").id("borrowingId");

        assertThat(api.get("/users/" + userId).body().path("email").asText()).isEqualTo(email);
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION", "WELCOME");
            JsonNode registered = api.get("/audit/users/" + userId).body().path("items").get(0).path("data");
            assertThat(registered.path("name").asText()).isEqualTo(name);
            assertThat(registered.path("email").asText()).isEqualTo(email);
        });
        assertThat(api.get("/users/" + userId + "/notifications").body().toString()).contains(name);

        Stack.Api.Response erased = api.delete("/users/" + userId + "/personal-data", "pd-erase");

        assertThat(erased.status()).as("%s", erased.body()).isEqualTo(200);
        assertThat(erased.body().path("name").asText()).isEqualTo("[erased]");
        assertThat(api.get("/users/" + userId).body().path("email").asText()).isEqualTo("[erased]");
        assertThat(api.borrow(userId, bookId, "pd-borrow-again").body().path("type").asText())
                .isEqualTo("urn:problem:user-suspended");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            JsonNode trail = api.get("/audit/users/" + userId).body().path("items");
            assertThat(trail.findValuesAsText("eventType")).startsWith("UserRegistered").endsWith("UserErased");
            assertThat(trail.get(0).path("data").path("name").asText()).isEqualTo("[erased]");
            assertThat(trail.toString()).doesNotContain(name).doesNotContain(email);
            assertThat(api.get("/audit/borrowings/" + borrowingId).body().path("items").get(0).path("data")
                    .path("userName").asText()).isEqualTo("[erased]");
            assertThat(api.get("/users/" + userId + "/notifications").body().path("items")
                    .findValuesAsText("message")).containsOnly("[erased]");
        });
        assertThat(api.get("/audit/users/" + userId + "/state").body().path("name").asText()).isEqualTo("[erased]");
        assertNoTableHolds(name, email);

        String replayArn = deployment.deadLetters.replay(deployment.busName(), start, Instant.now());
        String replayName = replayArn.substring(replayArn.lastIndexOf('/') + 1);
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> deployment.eventBridge
                .describeReplay(r -> r.replayName(replayName)).stateAsString().equals("COMPLETED"));

        await().atMost(Duration.ofSeconds(60)).during(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertNoTableHolds(name, email);
            assertThat(api.get("/users/" + userId + "/notifications").body().path("items")
                    .findValuesAsText("message")).hasSize(2).containsOnly("[erased]");
            assertThat(api.get("/audit/users/" + userId).body().toString()).doesNotContain(name).doesNotContain(email);
        });
    }

    @Test
    void shouldExportEverythingEveryServiceKeepsAboutAUser_asOneDocumentBehindAShortLivedLink() throws Exception {
        Stack.Api api = deployment.api;
        String name = "Xavier " + UUID.randomUUID();
        String email = "xavier-" + UUID.randomUUID() + "@example.org";
        String userId = api.post("/users", "{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}",
                "ex-register").id("userId");
        String otherName = "Other " + UUID.randomUUID();
        String otherId = api.post("/users", "{\"name\":\"" + otherName + "\",\"email\":\"o-" + UUID.randomUUID()
                + "@example.org\"}", "ex-other").id("userId");
        String bookId = api.addBook("ex-book");
        String borrowingId = api.borrow(userId, bookId, "ex-borrow").id("borrowingId");
        api.borrow(otherId, bookId, "ex-other-borrow");
        String heldBook = api.post("/books", "{\"title\":\"Stoner\",\"author\":\"John Williams\"}",
                "ex-held-book").id("bookId");
        api.borrow(otherId, heldBook, "ex-held-borrow");
        String holdId = api.post("/holds", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + heldBook + "\"}",
                "ex-hold").id("holdId");
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION", "WELCOME");
            assertThat(api.get("/audit/users/" + userId).body().path("items").findValuesAsText("eventType"))
                    .contains("UserRegistered", "BookBorrowed", "NotificationSent", "HoldPlaced");
        });

        Stack.Api.Response requested = api.post("/users/" + userId + "/data-exports", null, "ex-export");
        assertThat(requested.status()).as("%s", requested.body()).isEqualTo(202);
        String status = "/users/" + userId + "/data-exports/" + requested.id("exportId");
        AtomicReference<JsonNode> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            answer.set(api.get(status).body());
            assertThat(answer.get().path("status").asText()).as("%s", answer.get()).isEqualTo("COMPLETED");
        });
        JsonNode completed = answer.get();

        assertThat(Instant.parse(completed.path("expiresAt").asText()))
                .isBetween(Instant.now().plusSeconds(14 * 60), Instant.now().plusSeconds(15 * 60 + 5));
        java.net.http.HttpResponse<String> fetched = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(completed.path("url").asText())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.statusCode()).isEqualTo(200);
        JsonNode document = new com.fasterxml.jackson.databind.ObjectMapper().readTree(fetched.body());
        assertThat(document.path("library").path("user").path("name").asText()).isEqualTo(name);
        assertThat(document.path("library").path("user").path("email").asText()).isEqualTo(email);
        assertThat(document.path("library").path("activeBorrowings").findValuesAsText("borrowingId"))
                .containsExactly(borrowingId);
        assertThat(document.path("library").path("holds").findValuesAsText("holdId")).containsExactly(holdId);
        assertThat(document.path("notification").findValuesAsText("kind"))
                .containsExactly("BORROW_CONFIRMATION", "WELCOME");
        assertThat(document.path("notification").findValuesAsText("userId")).containsOnly(userId);
        assertThat(document.path("audit").findValuesAsText("eventType")).containsExactlyInAnyOrder(
                "UserRegistered", "BookBorrowed", "NotificationSent", "NotificationSent", "HoldPlaced");
        assertThat(document.path("audit").findValuesAsText("aggregateId")).as("every entry is about the user")
                .allMatch(id -> id.equals(userId) || id.equals(borrowingId) || id.equals(holdId)
                        || document.path("notification")
                        .findValuesAsText("notificationId").contains(id));
        assertThat(document.path("audit").get(0).path("data").path("name").asText()).as("opened")
                .isEqualTo(name);
        assertThat(fetched.body()).as("nobody else's data").doesNotContain(otherId).doesNotContain(otherName);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.notificationKinds(userId))
                .startsWith("DATA_EXPORT_READY"));
    }

    /** Every table of the stack, scanned item by item: neither the name nor the email, in any case. */
    private static void assertNoTableHolds(String name, String email) {
        for (String table : deployment.physicalIds("AWS::DynamoDB::Table")) {
            deployment.dynamoDb.scanPaginator(r -> r.tableName(table)).items().forEach(item -> {
                String text = item.toString().toLowerCase(Locale.ROOT);
                assertThat(text).as("an item of %s", table).doesNotContain(name.toLowerCase(Locale.ROOT))
                        .doesNotContain(email.toLowerCase(Locale.ROOT));
            });
        }
    }
}
