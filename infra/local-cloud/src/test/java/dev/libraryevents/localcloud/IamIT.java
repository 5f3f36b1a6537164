package dev.libraryevents.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The local cloud holds functions to their roles: the synthesized template with one grant removed (the library
 * API's dynamodb:PutItem) makes that function's writes fail with AWS's AccessDeniedException, while what its role
 * still allows works. The unmodified template is every other IT's.
 */
class IamIT {

    @Test
    void shouldFailAFunctionsWrite_whenItsRoleNoLongerGrantsIt() throws Exception {
        Path logs = Files.createTempDirectory("iam-it-logs");
        try (LocalCloud cloud = LocalCloud.start(new LocalCloud.Options(withoutLibraryPutItem(), 0, 0, null, logs, 1,
                null))) {
            Stack.Api api = new Stack.Api(cloud.apiUrl());

            Stack.Api.Response added = api.post("/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\","
                    + "\"copies\":1}", "iam-denied");
            assertThat(added.status()).isEqualTo(500);
            assertThat(api.get("/books/2f9a9b1e-0000-4000-8000-000000000000").status())
                    .as("GetItem is still granted").isEqualTo(404);

            String log;
            try (Stream<Path> files = Files.list(logs)) {
                Path libraryLog = files.filter(f -> f.getFileName().toString().startsWith("LibraryApi")).findFirst()
                        .orElseThrow();
                log = Files.readString(libraryLog);
            }
            assertThat(log).contains("is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:");
        }
    }

    /** A copy of the template, beside the original so that its assets resolve, without the grant. */
    private static Path withoutLibraryPutItem() throws Exception {
        Path original = Stack.template();
        ObjectNode template = (ObjectNode) CloudTemplate.JSON.readTree(original.toFile());
        boolean removed = false;
        for (Map.Entry<String, JsonNode> resource
                : (Iterable<Map.Entry<String, JsonNode>>) template.path("Resources")::fields) {
            if (resource.getKey().startsWith("LibraryApiServiceRoleDefaultPolicy")) {
                for (var statement : resource.getValue().at("/Properties/PolicyDocument/Statement")) {
                    ArrayNode actions = (ArrayNode) statement.path("Action");
                    for (int i = actions.size() - 1; i >= 0; i--) {
                        if (actions.get(i).asText().equals("dynamodb:PutItem")) {
                            actions.remove(i);
                            removed = true;
                        }
                    }
                }
            }
        }
        assertThat(removed).as("the library API's role granted dynamodb:PutItem").isTrue();
        Path copy = original.resolveSibling("LibraryEventsWithoutPutItem.template.json");
        CloudTemplate.JSON.writeValue(copy.toFile(), template);
        return copy;
    }
}
