package dev.libraryevents.support.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.support.auth.AccessPolicy;
import dev.libraryevents.testing.OpenApi;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml names every route and nothing else. {@link AccessPolicy} is every route every service serves:
 * {@code HttpApi} refuses to start with a route it lacks, and each service's tests start its router.
 */
class OpenApiDocumentTest {

    private final OpenApi api = OpenApi.load();

    @Test
    void shouldDocumentEveryRoute_andNoOther() {
        assertThat(api.operations()).containsExactlyInAnyOrderElementsOf(AccessPolicy.routes().keySet());
    }

    @Test
    void shouldBeOpenApi31_withAnIdForEveryOperationItOwns() {
        assertThat(api.document().path("openapi").asText()).startsWith("3.1.");
        assertThat(api.document().path("paths").findValuesAsText("operationId")).doesNotHaveDuplicates();
    }

    @Test
    void shouldHoldAnAnswerToItsSchema() {
        String book = "{\"bookId\":\"b\",\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"isbn\":null,"
                + "\"totalCopies\":1,\"availableCopies\":1,\"onHoldShelf\":0,\"holdsWaiting\":0,"
                + "\"addedAt\":\"2026-11-22T10:00:00.000Z\"}";

        assertThat(api.violations("GET", "/books/b", 200, "application/json", book)).isEmpty();
        assertThat(api.violations("GET", "/books?q=dune", 200, "application/json",
                "{\"items\":[" + book + "],\"nextCursor\":null}")).isEmpty();
        assertThat(api.violations("GET", "/books/b", 200, "application/json", book.replace("\"isbn\":null,", "")))
                .singleElement().asString().contains("isbn");
        assertThat(api.violations("GET", "/books/b", 200, "application/json",
                book.replace("\"availableCopies\":1", "\"availableCopies\":-1"))).isNotEmpty();
        assertThat(api.violations("GET", "/books/b", 418, "application/json", "{}")).isNotEmpty();
        assertThat(api.violations("GET", "/books/b", 404, "application/problem+json",
                "{\"type\":\"urn:problem:not-found\",\"title\":\"Not found\",\"status\":404,\"detail\":\"d\"}"))
                .isEmpty();
        assertThat(api.violations("GET", "/audit/users/u/state", 200, "application/json", "{\"userId\":\"u\","
                + "\"name\":\"Ada\",\"email\":\"a@b.c\",\"status\":\"ACTIVE\",\"activeLoans\":0,"
                + "\"registeredAt\":\"2026-11-22T10:00:00.000Z\"}")).isEmpty();
        assertThat(api.violations("GET", "/nowhere", 404, "application/problem+json", "{}")).isEmpty();
    }
}
