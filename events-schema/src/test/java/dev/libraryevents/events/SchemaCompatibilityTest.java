package dev.libraryevents.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Schemas evolve by adding optional fields only: each version must accept every example of the version before, so
 * a consumer that upgrades still reads the events already in queues, archives and the audit log.
 */
class SchemaCompatibilityTest {

    @Test
    void everySchemaVersionAcceptsEveryExampleOfTheVersionBefore() throws IOException {
        assertThat(incompatibilities(EventSchemas.shared(), EventExamplesTest.SCHEMAS)).isEmpty();
    }

    @Test
    void shouldReportABreakingChange_whenANewVersionRequiresAField() throws IOException {
        EventSchemas fixtures = new EventSchemas("compat-fixtures/");
        Path fixtureExamples = Path.of("src/test/resources/compat-fixtures");

        assertThat(fixtures.versions(EventType.BOOK_ADDED)).containsExactly(1, 2);
        assertThat(incompatibilities(fixtures, fixtureExamples))
                .singleElement().asString()
                .contains("BookAdded v2 rejects v1 example valid.json")
                .contains("$.data.publisher");
    }

    private static List<String> incompatibilities(EventSchemas schemas, Path examplesRoot) throws IOException {
        List<String> found = new ArrayList<>();
        for (EventType type : EventType.values()) {
            List<Integer> versions = schemas.versions(type);
            for (int version : versions.subList(Math.min(1, versions.size()), versions.size())) {
                Path folder = examplesRoot.resolve(type.wireName()).resolve("examples").resolve("v" + (version - 1));
                for (Path example : EventExamplesTest.examples(folder)) {
                    if (!example.getFileName().toString().startsWith("valid")) {
                        continue;
                    }
                    JsonNode event = EventExamplesTest.read(example);
                    List<Violation> violations = schemas.validate(event, type, version);
                    if (!violations.isEmpty()) {
                        found.add(type + " v" + version + " rejects v" + (version - 1) + " example "
                                + example.getFileName() + ": " + violations);
                    }
                }
            }
        }
        return found;
    }
}
