package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.events.EventSchemas;
import dev.libraryevents.support.privacy.PersonalData;
import dev.libraryevents.testing.SignedIn;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md §4b in the Library service: names and emails are stored and published sealed, shown in clear to
 * whoever may read them, and erased by deleting the user's data key.
 */
class PersonalDataTest {

    private final LibraryApi librarian = new LibraryApi();

    @Test
    void shouldKeepNamesAndEmailsOnlySealed_inTheTableAndTheEvents_andShowThemInClear() {
        String userId = librarian.post("/users", "{\"name\":\"Ada Lovelace\",\"email\":\"Ada@Example.org\"}")
                .id("userId");
        String bookId = librarian.addBook(1);
        librarian.borrow(userId, bookId);

        // (a name with a space and an address with "@": neither can appear by chance in base64url)
        assertThat(librarian.items().toString()).doesNotContain("Ada Lovelace")
                .doesNotContainIgnoringCase("ada@example.org").contains("pd1:" + userId);
        List<JsonNode> events = librarian.outboxEvents();
        assertThat(events.toString()).doesNotContain("Ada Lovelace").doesNotContainIgnoringCase("ada@example.org");
        assertThat(events).allSatisfy(event -> assertThat(EventSchemas.shared().validate(event)).isEmpty());
        assertThat(eventOf("BookBorrowed").path("data").path("userName").asText()).startsWith("pd1:" + userId + ":");

        JsonNode user = librarian.get("/users/" + userId).body();
        assertThat(user.path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(user.path("email").asText()).isEqualTo("Ada@Example.org");
    }

    @Test
    void shouldEraseAUser_byDeletingTheirKey_suspendingThem_andRecordingUserErased() {
        String userId = librarian.post("/users", "{\"name\":\"Ada\",\"email\":\"ada@example.org\"}").id("userId");
        String bookId = librarian.addBook(2);
        String borrowingId = librarian.borrow(userId, bookId);

        LibraryApi.Response erased = librarian.delete("/users/" + userId + "/personal-data");

        assertThat(erased.status()).isEqualTo(200);
        assertThat(erased.body().path("name").asText()).isEqualTo(PersonalData.ERASED);
        assertThat(erased.body().path("email").asText()).isEqualTo(PersonalData.ERASED);
        assertThat(erased.body().path("status").asText()).isEqualTo("SUSPENDED");
        assertThat(librarian.get("/users/" + userId).body()).isEqualTo(erased.body());
        assertThat(LibraryApi.DYNAMODB.client().scan(r -> r.tableName(librarian.keyTable)).items()).isEmpty();
        assertThat(eventOf("UserErased").path("data").path("userId").asText()).isEqualTo(userId);
        assertThat(eventOf("UserErased").path("sequence").asInt()).isEqualTo(2);
        LibraryApiTest.assertProblem(librarian.post("/borrowings",
                "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}"), 409, "user-suspended");
        assertThat(librarian.post("/borrowings/" + borrowingId + "/return", null).status())
                .as("an erased user may still return what they hold").isEqualTo(200);
        assertThat(librarian.post("/users", "{\"name\":\"Ada\",\"email\":\"ADA@example.org\"}").status())
                .as("the email's claim is released with the rest").isEqualTo(201);
    }

    @Test
    void shouldAnswerASecondErasureTheSame_withoutAnotherEvent() {
        String userId = librarian.registerUser();
        LibraryApi.Response first = librarian.delete("/users/" + userId + "/personal-data");
        int events = librarian.outboxEvents().size();

        LibraryApi.Response second = librarian.delete("/users/" + userId + "/personal-data");

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(librarian.outboxEvents()).hasSize(events);
    }

    @Test
    void shouldLetAMemberEraseThemself_butNotAnother() {
        SignedIn ada = SignedIn.member();
        librarian.as(ada).post("/users", "{\"name\":\"Ada\"}");
        String someoneElse = librarian.registerUser();

        LibraryApiTest.assertProblem(librarian.as(ada).delete("/users/" + someoneElse + "/personal-data"), 404,
                "not-found");
        assertThat(librarian.get("/users/" + someoneElse).body().path("status").asText()).isEqualTo("ACTIVE");
        assertThat(librarian.as(ada).delete("/users/" + ada.sub() + "/personal-data").body().path("name").asText())
                .isEqualTo(PersonalData.ERASED);
        LibraryApiTest.assertProblem(librarian.delete("/users/" + UUID.randomUUID() + "/personal-data"),
                404, "not-found");
    }

    private JsonNode eventOf(String type) {
        return librarian.outboxEvents().stream().filter(e -> e.path("eventType").asText().equals(type))
                .reduce((first, last) -> last).orElseThrow();
    }
}
