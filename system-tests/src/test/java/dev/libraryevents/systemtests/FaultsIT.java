package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.libraryevents.localcloud.LocalCloud;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The portable fault scenarios ({@link FaultScenarios}) on the local cloud, through its AWS APIs only; queue
 * visibility is shortened to 3 s so that 3 receives take seconds. And one check only the local cloud can make: it
 * sees every event the bus accepts, so it can bound how many one borrow causes.
 */
class FaultsIT extends FaultScenarioTests {

    @RegisterExtension
    static final RunningLocalCloud CLOUD = RunningLocalCloud.withQueueVisibility(Duration.ofSeconds(3));

    private static LocalCloud cloud;
    private static Stack.Api api;

    @BeforeAll
    static void connect() {
        cloud = CLOUD.cloud();
        deployment = CLOUD.deployment();
        api = deployment.api;
    }

    @Override
    LongSupplier eventsOnTheBus() {
        return cloud.hooks()::eventsPut;
    }

    @Test
    void shouldCauseABoundedNumberOfEvents_perBorrow() throws Exception {
        String userId = api.registerUser("bound-user");
        String bookId = api.addBook("bound-book");

        assertThat(api.borrow(userId, bookId, "bound-borrow").status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(cloud.hooks().eventsOf("bound-borrow"))
                .contains("BookBorrowed", "NotificationSent"));
        FaultScenarios.awaitQuiet(cloud.hooks()::eventsPut);

        // The borrow, its notification, and at most one summary per consumer batch that took in one of this
        // request's events: AnalyticsUpdated for the two library/notification events, AuditLogged for those and
        // for the two AnalyticsUpdated. Summaries cause no further summaries, so the chain stops there.
        List<String> caused = cloud.hooks().eventsOf("bound-borrow");
        assertThat(caused).filteredOn("BookBorrowed"::equals).hasSize(1);
        assertThat(caused).filteredOn("NotificationSent"::equals).hasSize(1);
        assertThat(caused).filteredOn("AnalyticsUpdated"::equals).hasSizeLessThanOrEqualTo(2);
        assertThat(caused).filteredOn("AuditLogged"::equals).hasSizeLessThanOrEqualTo(4);
        assertThat(caused).hasSizeLessThanOrEqualTo(8)
                .allMatch(type -> List.of("BookBorrowed", "NotificationSent", "AnalyticsUpdated", "AuditLogged")
                        .contains(type));
    }

    /**
     * docs/design.md §4e: the Library API is killed as it answers, its transaction written and its answer lost (the
     * client sees the gateway's 502); the retry with the same Idempotency-Key gets the first 201, and the book was
     * lent once.
     */
    @Test
    void shouldAnswerTheRetryWithTheFirst201_whenTheLibraryApiDiedAfterItsTransaction() throws Exception {
        String userId = api.registerUser("keyed-user");
        String bookId = api.addBook("keyed-book");
        String body = "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}";

        CompletableFuture<String> killed = cloud.hooks().armKill("LibraryApi", null);
        Stack.Api.Response lost = api.keyed("POST", "/borrowings", body, "keyed-borrow", "borrow-after-a-crash");
        assertThat(killed.get(30, TimeUnit.SECONDS)).isNotBlank();
        Stack.Api.Response retried = api.keyed("POST", "/borrowings", body, "keyed-borrow-again",
                "borrow-after-a-crash");

        assertThat(lost.status()).isIn(502, 504);
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.headers().get("idempotent-replayed")).containsExactly("true");
        assertThat(api.get("/books/" + bookId).body().path("availableCopies").asInt()).isEqualTo(4);
        assertThat(api.get("/users/" + userId + "/borrowings").body().path("items").findValuesAsText("borrowingId"))
                .containsExactly(retried.id("borrowingId"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(cloud.hooks().eventsOf("keyed-borrow"))
                .contains("BookBorrowed"));
        assertThat(cloud.hooks().eventsOf("keyed-borrow")).filteredOn("BookBorrowed"::equals).hasSize(1);
        assertThat(cloud.hooks().eventsOf("keyed-borrow-again")).as("a replay causes nothing").isEmpty();
    }

    /** A return that readies a hold: its two events, a notice for each, and their summaries; nothing else. */
    @Test
    void shouldCauseABoundedNumberOfEvents_perReturnThatReadiesAHold() throws Exception {
        String bookId = api.post("/books", "{\"title\":\"Ubik\",\"author\":\"Philip K. Dick\"}", "bound-hold-book")
                .id("bookId");
        String loan = api.borrow(api.registerUser("bound-reader"), bookId, "bound-hold-borrow").id("borrowingId");
        String waiting = api.registerUser("bound-waiting");
        assertThat(api.post("/holds", "{\"userId\":\"" + waiting + "\",\"bookId\":\"" + bookId + "\"}",
                "bound-hold").status()).isEqualTo(201);

        assertThat(api.post("/borrowings/" + loan + "/return", null, "bound-return").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(cloud.hooks().eventsOf("bound-return"))
                .filteredOn("NotificationSent"::equals).hasSize(2));
        FaultScenarios.awaitQuiet(cloud.hooks()::eventsPut);

        List<String> caused = cloud.hooks().eventsOf("bound-return");
        assertThat(caused).filteredOn("BookReturned"::equals).hasSize(1);
        assertThat(caused).filteredOn("HoldReady"::equals).hasSize(1);
        assertThat(caused).filteredOn("NotificationSent"::equals).as("RETURN_CONFIRMATION, HOLD_READY").hasSize(2);
        assertThat(caused).filteredOn("AnalyticsUpdated"::equals).hasSizeLessThanOrEqualTo(4);
        assertThat(caused).filteredOn("AuditLogged"::equals).hasSizeLessThanOrEqualTo(8);
        assertThat(caused).hasSizeLessThanOrEqualTo(16)
                .allMatch(type -> List.of("BookReturned", "HoldReady", "NotificationSent", "AnalyticsUpdated",
                        "AuditLogged").contains(type));
    }
}
