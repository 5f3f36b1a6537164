package dev.libraryevents.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.testing.HostileStrings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
                bad("GET", "/borrowings/x/return", null, null, 405, "method-not-allowed"),
                // lenient JSON: trailing content, duplicate keys
                bad("POST", "/books", JSON, "{\"title\":\"x\",\"author\":\"y\"} xyz", 400, "malformed-json"),
                bad("POST", "/books", JSON, "{\"title\":\"x\",\"author\":\"y\"}{}", 400, "malformed-json"),
                bad("POST", "/books", JSON, "{\"title\":\"x\",\"author\":\"y\",\"copies\":-5,\"copies\":2}", 400,
                        "malformed-json"),
                bad("POST", "/books", JSON, "[".repeat(5000) + "]".repeat(5000), 400, "malformed-json"),
                // other charsets, and text UTF-8 cannot carry
                bad("POST", "/books", "application/json; charset=iso-8859-1", "{\"title\":\"T\",\"author\":\"A\"}",
                        415, "unsupported-media-type"),
                bad("POST", "/books", "application/json; charset=\"UTF-16\"", "{\"title\":\"T\",\"author\":\"A\"}",
                        415, "unsupported-media-type"),
                bad("POST", "/books", JSON, "{\"title\":\"\\ud800\",\"author\":\"A\"}", 400, "validation-failed",
                        "title"),
                bad("POST", "/books", JSON, "{\"title\":\"T\u0000\",\"author\":\"A\"}", 400, "malformed-json"),
                bad("POST", "/books", JSON, "{\"title\":\"T\\u0000\",\"author\":\"A\"}", 400, "validation-failed",
                        "title"),
                // addresses that were answered with a 500 (a non-ASCII domain is accepted: the schema's format does)
                bad("POST", "/users", JSON, "{\"name\":\"Ada\",\"email\":\"x@example.c\"}", 400,
                        "validation-failed", "email"),
                bad("POST", "/users", JSON, "{\"name\":\"Ada\",\"email\":\"ad\\u0007a@example.org\"}", 400,
                        "validation-failed", "email"),
                // ids that cannot name anything
                bad("GET", "/books/" + "x".repeat(200_000), null, null, 404, "not-found"),
                bad("POST", "/borrowings/" + "\ud800" + "/return", null, null, 404, "not-found"));
    }

    @Test
    void shouldAnswerAHeadLikeAGet_withoutTheBody() {
        LibraryApi.Response head = api.send("HEAD", "/books/" + bookId, null, null, Map.of());

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body().isMissingNode()).isTrue();
        assertThat(head.header("X-Correlation-Id")).isNotBlank();
        assertThat(api.send("DELETE", "/books/" + bookId, null, null, Map.of()).header("Allow"))
                .isEqualTo("GET, HEAD");
    }

    @Test
    void shouldEchoALongIdInA404_truncated() {
        LibraryApi.Response response = api.get("/books/" + "x".repeat(200_000));

        assertThat(response.body().toString().length()).isLessThan(1_000);
    }

    @Test
    void shouldNameWhatIsWrongWithTheJson_inTheClientsTerms() {
        assertThat(api.post("/books", "{\"copies\":-5,\"copies\":2}").body().path("detail").asText())
                .isEqualTo("the field \"copies\" appears more than once");
        assertThat(api.post("/books", "{\"title\":\"x\"} xyz").body().path("detail").asText())
                .isEqualTo("the body goes on after its JSON value");
        assertThat(api.post("/books", "[".repeat(5000)).body().path("detail").asText())
                .doesNotContain("StreamReadConstraints", "JsonReadFeature", "getMaxNestingDepth");
    }

    /**
     * Every validated field, and every id in a path, fed with generated hostile strings: each request is answered
     * 2xx or 4xx, never 5xx; a 400 names only the field that was fed; a refusal writes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedCases")
    void shouldNeverFail_onGeneratedInput(Generated request) {
        List<Map<String, AttributeValue>> before = api.items();

        LibraryApi.Response response = api.send(request.method(), request.path(), JSON, request.body(), Map.of());

        assertThat(response.status()).as("seed %d: %s", SEED, response.body()).isLessThan(500);
        if (response.status() >= 400) {
            assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(response.body().path("errors").findValuesAsText("field"))
                    .allMatch(field -> field.equals(request.field()));
            assertThat(api.items()).containsExactlyInAnyOrderElementsOf(before);
        }
    }

    /** Printed in every failure's message: {@code HostileStrings(SEED)} makes the same inputs again. */
    private static final long SEED = Long.getLong("hostile.seed", System.nanoTime());

    record Generated(String method, String path, String field, String body) {
        @Override
        public String toString() {
            String shown = body == null ? path : body;
            return method + " " + (path.length() > 60 ? path.substring(0, 60) + "…" : path) + " " + field + ": "
                    + JSON_TEXT.valueToTree(shown.length() > 80 ? shown.substring(0, 80) + "…" : shown);
        }
    }

    private static final ObjectMapper JSON_TEXT = new ObjectMapper()
            .enable(JsonGenerator.Feature.ESCAPE_NON_ASCII);

    /** The cases the generated test runs: {@value #PER_FIELD} strings for each field and each path's id. */
    static final int PER_FIELD = 40;

    Stream<Generated> generatedCases() {
        HostileStrings strings = new HostileStrings(SEED);
        List<Generated> cases = new ArrayList<>();
        Map<String, ObjectNode> validBodies = new LinkedHashMap<>();
        validBodies.put("/books", body("title", "Dune", "author", "Frank Herbert", "isbn", "0441172717"));
        validBodies.put("/users", body("name", "Ada", "email", "ada@example.org"));
        validBodies.put("/users/" + userId + "/suspend", body("reason", "late"));
        validBodies.put("/borrowings", body("userId", userId, "bookId", bookId));
        validBodies.forEach((path, valid) -> valid.fieldNames().forEachRemaining(field -> {
            List<String> values = field.equals("email") ? strings.emails(PER_FIELD) : strings.text(PER_FIELD);
            for (String value : values) {
                ObjectNode body = valid.deepCopy().put(field, value);
                if (!field.equals("email")) {
                    body.put("email", "ada" + UUID.randomUUID() + "@example.org"); // never "email taken"
                }
                if (!path.equals("/users")) {
                    body.remove("email");
                }
                cases.add(new Generated("POST", path, field, escaped(body)));
            }
        }));
        for (String template : List.of("GET /books/%s", "GET /users/%s", "GET /borrowings/%s",
                "POST /borrowings/%s/return", "POST /users/%s/suspend")) {
            String[] parts = template.split(" ");
            for (String id : strings.text(PER_FIELD)) {
                cases.add(new Generated(parts[0], parts[1].formatted(id), "id", null));
            }
        }
        return cases.stream();
    }

    private static ObjectNode body(String... fieldsAndValues) {
        ObjectNode body = JSON_TEXT.createObjectNode();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            body.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return body;
    }

    /** As a client sends it on the wire: anything outside ASCII, a lone surrogate included, as a \\u escape. */
    private static String escaped(ObjectNode body) {
        try {
            return JSON_TEXT.writeValueAsString(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
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
