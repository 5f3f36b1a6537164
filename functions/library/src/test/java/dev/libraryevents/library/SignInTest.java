package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.testing.SignedIn;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/design.md §4a through the library function: what a member may do (register themself, borrow, return, read their
 * own things), what only a librarian may, and that a refused request writes nothing. Each event names its actor.
 */
class SignInTest {

    private final LibraryApi librarian = new LibraryApi();
    private final SignedIn ada = SignedIn.member();
    private final LibraryApi asAda = librarian.as(ada);

    @Test
    void shouldLetAMemberRegisterThemself_withTheirSignInIdAndEmail_once() {
        LibraryApi.Response registered = asAda.post("/users", "{\"name\":\"Ada\"}");

        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.id("userId")).isEqualTo(ada.sub());
        assertThat(registered.id("email")).isEqualTo(ada.email());
        assertThat(asAda.get("/users/" + ada.sub()).status()).isEqualTo(200);
        assertThat(actorOf("UserRegistered").path("role").asText()).isEqualTo("member");
        assertThat(actorOf("UserRegistered").path("sub").asText()).isEqualTo(ada.sub());

        int items = librarian.items().size();
        LibraryApi.Response again = asAda.post("/users", "{\"name\":\"Ada again\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.problemType()).isEqualTo("urn:problem:already-registered");
        assertThat(librarian.items()).hasSize(items);
    }

    @Test
    void shouldRefuseAMemberRegisteringUnderAnotherEmail() {
        LibraryApi.Response other = asAda.post("/users", "{\"name\":\"Ada\",\"email\":\"someone@example.org\"}");
        LibraryApi.Response same = librarian.as(SignedIn.member())
                .post("/users", "{\"name\":\"Bo\",\"email\":\"" + ada.email().toUpperCase() + "\"}");

        assertThat(other.status()).isEqualTo(400);
        assertThat(other.body().path("errors").findValuesAsText("field")).containsExactly("email");
        assertThat(same.status()).as("a member's own email, in other case, is theirs").isEqualTo(400);
        assertThat(librarian.items()).isEmpty();
    }

    @Test
    void shouldLetALibrarianRegisterAWalkInPatron_andNameThemAsTheActor() {
        LibraryApi.Response registered = librarian.post("/users", "{\"name\":\"Cy\",\"email\":\"cy@example.org\"}");

        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.id("userId")).isNotEqualTo(ada.sub());
        assertThat(actorOf("UserRegistered").path("role").asText()).isEqualTo("librarian");
    }

    @Test
    void shouldLetAMemberBorrowAndReturnForThemself_butNotSeeOrTouchAnothersLoans() {
        String bookId = librarian.addBook(3);
        asAda.post("/users", "{\"name\":\"Ada\"}");
        SignedIn bo = SignedIn.member();
        LibraryApi asBo = librarian.as(bo);
        asBo.post("/users", "{\"name\":\"Bo\"}");

        LibraryApi.Response borrowed = asAda.post("/borrowings",
                "{\"userId\":\"" + ada.sub() + "\",\"bookId\":\"" + bookId + "\"}");
        String borrowingId = borrowed.id("borrowingId");
        assertThat(borrowed.status()).isEqualTo(201);
        assertThat(asAda.get("/books/" + bookId).status()).isEqualTo(200);

        int items = librarian.items().size();
        LibraryApi.Response forAda = asBo.post("/borrowings",
                "{\"userId\":\"" + ada.sub() + "\",\"bookId\":\"" + bookId + "\"}");
        LibraryApi.Response seeAdas = asBo.get("/borrowings/" + borrowingId);
        LibraryApi.Response returnAdas = asBo.post("/borrowings/" + borrowingId + "/return", null);
        LibraryApi.Response adasProfile = asBo.get("/users/" + ada.sub());
        assertThat(forAda.status()).isEqualTo(403);
        assertThat(forAda.problemType()).isEqualTo("urn:problem:forbidden");
        assertThat(List.of(seeAdas.status(), returnAdas.status(), adasProfile.status())).containsOnly(404);
        assertThat(seeAdas.body().path("detail").asText()).as("worded as for a loan that does not exist")
                .isEqualTo("borrowing " + borrowingId + " does not exist");
        assertThat(librarian.items()).as("nothing written by the refused requests").hasSize(items);

        assertThat(asAda.get("/borrowings/" + borrowingId).status()).isEqualTo(200);
        LibraryApi.Response returned = asAda.post("/borrowings/" + borrowingId + "/return", null);
        assertThat(returned.status()).isEqualTo(200);
        assertThat(actorOf("BookReturned").path("sub").asText()).isEqualTo(ada.sub());
        assertThat(actorOf("BookAdded").path("role").asText()).isEqualTo("librarian");
    }

    @Test
    void shouldKeepLibrarianWorkFromMembers_andEveryoneOutWhoIsNotSignedIn() {
        String bookId = librarian.addBook(1);
        asAda.post("/users", "{\"name\":\"Ada\"}");
        int items = librarian.items().size();

        LibraryApi.Response addBook = asAda.post("/books", "{\"title\":\"Mine\",\"author\":\"Ada\"}");
        LibraryApi.Response suspendSelf = asAda.post("/users/" + ada.sub() + "/suspend", null);
        LibraryApi.Response anonymous = librarian.as(null).get("/books/" + bookId);
        LibraryApi.Response anonymousWrite = librarian.as(null).post("/books", "{\"title\":\"X\",\"author\":\"Y\"}");

        assertThat(addBook.status()).isEqualTo(403);
        assertThat(suspendSelf.status()).isEqualTo(403);
        for (LibraryApi.Response response : List.of(anonymous, anonymousWrite)) {
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.problemType()).isEqualTo("urn:problem:unauthorized");
            assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
        }
        assertThat(librarian.items()).hasSize(items);
    }

    /** The actor of the one event of this type the test caused. */
    private JsonNode actorOf(String eventType) {
        List<JsonNode> events = librarian.outboxEvents().stream()
                .filter(event -> event.path("eventType").asText().equals(eventType)).toList();
        assertThat(events).as(eventType).hasSize(1);
        return events.get(0).path("actor");
    }
}
