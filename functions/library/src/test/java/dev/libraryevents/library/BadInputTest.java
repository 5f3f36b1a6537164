package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Whatever a client sends, the answer is a clear 4xx problem, never a 500, and nothing is written: after every
 * rejected request the table holds exactly the items it held before, outbox rows included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {

    private static final String JSON = "application/json";

    private final LibraryApi api = new LibraryApi();
    private String userId;
    private String bookId;

    @BeforeAll
    void aUserAndABookExist() {
        userId = api.registerUser();
        bookId = api.addBook(2);
    }

    record Case(String method, String path, String contentType, String body, int status, String slug,
                List<String> fields) {
        @Override
        public String toString() {
            String shown = body == null ? "no body" : body.length() > 60 ? body.substring(0, 60) + "…" : body;
            return method + " " + path + " [" + contentType + "] " + shown + " → " + status + " " + slug;
        }
    }

    Stream<Arguments> cases() {
        String user = "/users/" + userId;
        String bigTitle = "x".repeat(65 * 1024);
        return Stream.of(
                // malformed JSON and wrong shapes
                bad("POST", "/books", JSON, "{\"title\":", 400, "malformed-json"),
                bad("POST", "/books", JSON, "[\"Dune\"]", 400, "malformed-json"),
                bad("POST", "/books", JSON, "\"Dune\"", 400, "malformed-json"),
                bad("POST", "/books", JSON, null, 400, "malformed-json"),
                bad("POST", "/users", JSON, "{'name':'single quotes'}", 400, "malformed-json"),
                bad("POST", "/borrowings", JSON, "{\"userId\":\"a\",}", 400, "malformed-json"),
                // missing fields
                bad("POST", "/books", JSON, "{}", 400, "validation-failed", "title", "author"),
                bad("POST", "/users", JSON, "{\"name\":\"Ada\"}", 400, "validation-failed", "email"),
                bad("POST", "/borrowings", JSON, "{}", 400, "validation-failed", "userId", "bookId"),
                bad("POST", "/books", JSON, "{\"title\":null,\"author\":\"A\"}", 400, "validation-failed", "title"),
                // wrong types
                bad("POST", "/books", JSON, "{\"title\":42,\"author\":\"A\"}", 400, "validation-failed", "title"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":[\"A\"]}", 400, "validation-failed",
                        "author"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"copies\":\"3\"}", 400,
                        "validation-failed", "copies"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"copies\":2.5}", 400,
                        "validation-failed", "copies"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"isbn\":9780441172719}", 400,
                        "validation-failed", "isbn"),
                bad("POST", "/users", JSON, "{\"name\":{\"first\":\"Ada\"},\"email\":\"a@b.org\"}", 400,
                        "validation-failed", "name"),
                bad("POST", "/borrowings", JSON, "{\"userId\":42,\"bookId\":true}", 400, "validation-failed",
                        "userId", "bookId"),
                bad("POST", user + "/suspend", JSON, "{\"reason\":false}", 400, "validation-failed", "reason"),
                // out-of-range numbers and lengths
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"copies\":0}", 400,
                        "validation-failed", "copies"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"copies\":1001}", 400,
                        "validation-failed", "copies"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"copies\":99999999999}", 400,
                        "validation-failed", "copies"),
                bad("POST", "/books", JSON, "{\"title\":\"   \",\"author\":\"A\"}", 400, "validation-failed",
                        "title"),
                bad("POST", "/books", JSON, "{\"title\":\"" + "t".repeat(301) + "\",\"author\":\"A\"}", 400,
                        "validation-failed", "title"),
                bad("POST", "/users", JSON, "{\"name\":\"" + "n".repeat(201) + "\",\"email\":\"a@b.org\"}", 400,
                        "validation-failed", "name"),
                bad("POST", user + "/suspend", JSON, "{\"reason\":\"" + "r".repeat(501) + "\"}", 400,
                        "validation-failed", "reason"),
                // invalid ISBN and email
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"isbn\":\"9780441172718\"}", 400,
                        "validation-failed", "isbn"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"isbn\":\"044117271X\"}", 400,
                        "validation-failed", "isbn"),
                bad("POST", "/books", JSON, "{\"title\":\"T\",\"author\":\"A\",\"isbn\":\"not an isbn\"}", 400,
                        "validation-failed", "isbn"),
                bad("POST", "/users", JSON, "{\"name\":\"Ada\",\"email\":\"ada@\"}", 400, "validation-failed",
                        "email"),
                bad("POST", "/users", JSON, "{\"name\":\"Ada\",\"email\":\"ada lovelace@example.org\"}", 400,
                        "validation-failed", "email"),
                bad("POST", "/users", JSON, "{\"name\":\"Ada\",\"email\":\"ada@localhost\"}", 400,
                        "validation-failed", "email"),
                bad("POST", "/users", JSON, "{\"name\":\"\",\"email\":\"nope\"}", 400, "validation-failed",
                        "name", "email"),
                // size and media type
                bad("POST", "/books", JSON, "{\"title\":\"" + bigTitle + "\",\"author\":\"A\"}", 413,
                        "payload-too-large"),
                bad("POST", "/books", "text/plain", "{\"title\":\"T\",\"author\":\"A\"}", 415,
                        "unsupported-media-type"),
                bad("POST", "/users", null, "{\"name\":\"Ada\",\"email\":\"a@b.org\"}", 415,
                        "unsupported-media-type"),
                bad("POST", "/borrowings", "application/x-www-form-urlencoded", "userId=a&bookId=b", 415,
                        "unsupported-media-type"),
                // routes and methods
                bad("GET", "/nowhere", null, null, 404, "route-not-found"),
                bad("GET", "/books/" + bookId + "/pages", null, null, 404, "route-not-found"),
                bad("POST", "/reports/usage", JSON, "{}", 404, "route-not-found"),
                bad("DELETE", "/books", null, null, 405, "method-not-allowed"),
                bad("PUT", "/books/" + bookId, JSON, "{\"title\":\"T\"}", 405, "method-not-allowed"),
                bad("GET", "/borrowings", null, null, 405, "method-not-allowed"),
                bad("DELETE", user, null, null, 405, "method-not-allowed"),
                bad("GET", "/borrowings/x/return", null, null, 405, "method-not-allowed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldAnswerAProblem_andWriteNothing(Case request) {
        List<Map<String, AttributeValue>> before = api.items();

        LibraryApi.Response response = api.send(request.method(), request.path(), request.contentType(),
                request.body(), Map.of());

        LibraryApiTest.assertProblem(response, request.status(), request.slug());
        if (!request.fields().isEmpty()) {
            assertThat(response.body().path("errors").findValuesAsText("field"))
                    .containsExactlyInAnyOrderElementsOf(request.fields());
            assertThat(response.body().path("errors").findValuesAsText("message")).allMatch(m -> !m.isBlank());
        }
        if (request.status() == 405) {
            assertThat(response.header("Allow")).isNotBlank();
        }
        assertThat(api.items()).containsExactlyInAnyOrderElementsOf(before);
    }

    private static Arguments bad(String method, String path, String contentType, String body, int status,
                                 String slug, String... fields) {
        return Arguments.of(new Case(method, path, contentType, body, status, slug, List.of(fields)));
    }
}
