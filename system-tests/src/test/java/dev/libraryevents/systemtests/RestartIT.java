package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.ops.SignInAccounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
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
        String librarian = "restart-" + UUID.randomUUID() + "@example.org";
        String password = SignInAccounts.newPassword();
        try (LocalCloud first = Stack.start(data, null)) {
            Stack.Api api;
            try (Stack.SignIns signIns = Stack.SignIns.at(first.awsEndpoint(), first.stackName())) {
                api = new Stack.Api(first.apiUrl(), signIns.librarian(librarian, password));
            }
            bookId = api.addBook("restart-book");
            userId = api.registerUser("restart-user");
            borrowingId = api.borrow(userId, bookId, "restart-borrow").id("borrowingId");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.notificationKinds(userId))
                    .containsExactly("BORROW_CONFIRMATION", "WELCOME"));

            first.hooks().pauseConsumer("NotificationConsumerFunction", true);
            waitingUserId = api.registerUser("restart-waiting");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(first.hooks().eventsOf("restart-waiting"))
                    .contains("UserRegistered"));
        }

        try (LocalCloud second = Stack.start(data, null)) {
            // The user pool's users are kept too: the librarian signs in again with her password. (Her old token
            // names the first start's endpoint as its issuer; at the fixed port 4566 it would still hold.)
            Stack.Api api;
            try (Stack.SignIns signIns = Stack.SignIns.at(second.awsEndpoint(), second.stackName())) {
                api = new Stack.Api(second.apiUrl(), signIns.signIn(librarian, password));
            }
            Stack.Api.Response book = api.get("/books/" + bookId);
            assertThat(book.status()).as("%s", book.body()).isEqualTo(200);
            assertThat(book.body().path("availableCopies").asInt()).isEqualTo(4);
            assertThat(api.get("/users/" + userId).body().path("activeLoans").asInt()).isEqualTo(1);
            assertThat(api.get("/borrowings/" + borrowingId).body().path("status").asText()).isEqualTo("ACTIVE");
            assertThat(api.notificationKinds(userId)).containsExactly("BORROW_CONFIRMATION", "WELCOME");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(api.notificationKinds(waitingUserId)).as("the message queued at the stop")
                            .containsExactly("WELCOME"));
            assertThat(second.hooks().eventsOf("restart-waiting")).as("put on the bus once, before the stop: delivered now "
                    + "from the saved queue, not relayed again").filteredOn("UserRegistered"::equals).hasSize(1);
        }
    }
}
