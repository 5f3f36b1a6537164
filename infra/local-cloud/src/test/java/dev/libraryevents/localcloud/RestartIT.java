package dev.libraryevents.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** With --data-dir, a restart keeps books, users, loans, notifications and the messages still queued. */
class RestartIT {

    @Test
    void shouldKeepStateAndQueuedMessages_acrossARestart() throws Exception {
        Path data = Files.createTempDirectory("local-cloud-data");
        String bookId;
        String userId;
        String borrowingId;
        String waitingUserId;
        String token;
        try (LocalCloud first = Stack.start(data, null)) {
            Stack.Api api = Stack.librarian(first);
            token = api.token();
            bookId = api.addBook("restart-book");
            userId = api.registerUser("restart-user");
            borrowingId = api.borrow(userId, bookId, "restart-borrow").id("borrowingId");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.notificationKinds(userId))
                    .containsExactly("BORROW_CONFIRMATION", "WELCOME"));

            first.pauseConsumer("NotificationConsumerFunction", true);
            waitingUserId = api.registerUser("restart-waiting");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(first.eventsOf("restart-waiting"))
                    .contains("UserRegistered"));
        }

        try (LocalCloud second = Stack.start(data, null)) {
            // The user pool's users and key are kept too: a token from before the restart still signs in.
            Stack.Api api = new Stack.Api(second.apiUrl(), token);
            Stack.Api.Response book = api.get("/books/" + bookId);
            assertThat(book.status()).as("%s", book.body()).isEqualTo(200);
            assertThat(book.body().path("availableCopies").asInt()).isEqualTo(4);
            assertThat(api.get("/users/" + userId).body().path("activeLoans").asInt()).isEqualTo(1);
            assertThat(api.get("/borrowings/" + borrowingId).body().path("status").asText()).isEqualTo("ACTIVE");
            assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION", "WELCOME");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.notificationKinds(waitingUserId)).as("the message queued at the stop")
                            .containsExactly("WELCOME"));
            assertThat(second.eventsOf("restart-waiting")).as("put on the bus once, before the stop: delivered now "
                    + "from the saved queue, not relayed again").filteredOn("UserRegistered"::equals).hasSize(1);
        }
    }
}
