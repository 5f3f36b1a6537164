package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.consumer.EventConsumer;
import dev.libraryevents.testing.SignedIn;
import dev.libraryevents.testing.SqsMessages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The export saga's Library side without S3 (the local cloud's {@code PersonalDataIT} runs it whole): asking, the
 * status, a part recorded, and an export whose last part never comes ending FAILED after its deadline.
 */
class DataExportsTest {

    private final LibraryApi librarian = new LibraryApi();

    @Test
    void shouldStartAnExport_andAnswerItsStatus_toTheUserOrALibrarianOnly() {
        SignedIn ada = SignedIn.member();
        librarian.as(ada).post("/users", "{\"name\":\"Ada\"}");

        LibraryApi.Response requested = librarian.as(ada).post("/users/" + ada.sub() + "/data-exports", null);

        assertThat(requested.status()).isEqualTo(202);
        assertThat(requested.body().path("status").asText()).isEqualTo("PENDING");
        String exportId = requested.id("exportId");
        assertThat(requested.header("Location")).isEqualTo("/users/" + ada.sub() + "/data-exports/" + exportId);
        JsonNode event = librarian.outboxEvents().stream()
                .filter(e -> e.path("eventType").asText().equals("DataExportRequested")).findFirst().orElseThrow();
        assertThat(event.path("data").path("userId").asText()).isEqualTo(ada.sub());
        assertThat(event.path("data").path("deadline").asText()).isEqualTo("2026-11-22T10:10:00.000Z");
        assertThat(librarian.get("/users/" + ada.sub() + "/data-exports/" + exportId).body().path("status")
                .asText()).isEqualTo("PENDING");
        String someoneElse = librarian.registerUser();
        LibraryApiTest.assertProblem(librarian.as(ada).get("/users/" + someoneElse + "/data-exports/" + exportId),
                404, "not-found");
        LibraryApiTest.assertProblem(librarian.get("/users/" + someoneElse + "/data-exports/" + exportId), 404,
                "not-found");
        LibraryApiTest.assertProblem(librarian.post("/users/" + java.util.UUID.randomUUID() + "/data-exports",
                null), 404, "not-found");
    }

    @Test
    void shouldEndAnExportFailed_whenAPartHasNotComeByTheDeadline() {
        String userId = librarian.registerUser();
        String exportId = librarian.post("/users/" + userId + "/data-exports", null).id("exportId");
        EventEnvelope notificationPart = EventEnvelope.create(new EventData.NotificationDataExported(exportId,
                userId, "exports/" + exportId + "/notification.json", 1), exportId, 1, librarian.clock.instant(),
                "req-export", null, EventEnvelope.Actor.SYSTEM);
        deliver(notificationPart);

        librarian.clock.advance(Duration.ofMinutes(9));
        assertThat(librarian.get("/users/" + userId + "/data-exports/" + exportId).body().path("status").asText())
                .isEqualTo("PENDING");
        librarian.clock.advance(Duration.ofMinutes(2));
        JsonNode failed = librarian.get("/users/" + userId + "/data-exports/" + exportId).body();

        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("reason").asText()).startsWith("no part from audit by the deadline");
        assertThat(failed.has("url")).isFalse();
        deliver(EventEnvelope.create(new EventData.AuditDataExported(exportId, userId,
                "exports/" + exportId + "/audit.json", 3), exportId, 1, librarian.clock.instant(), "req-export", null,
                EventEnvelope.Actor.SYSTEM));
        assertThat(librarian.get("/users/" + userId + "/data-exports/" + exportId).body().path("status").asText())
                .as("a part after the deadline changes nothing").isEqualTo("FAILED");
    }

    private void deliver(EventEnvelope event) {
        LibraryConsumerHandler consumer = new LibraryConsumerHandler(new EventConsumer(
                LibraryApi.DYNAMODB.client(), librarian.table, EventCodec.shared(), librarian.clock),
                librarian.effects);
        SQSBatchResponse response = consumer.handleRequest(SqsMessages.batch(List.of(
                EventCodec.shared().toJson(event))), null);
        assertThat(response.getBatchItemFailures()).isEmpty();
    }
}
