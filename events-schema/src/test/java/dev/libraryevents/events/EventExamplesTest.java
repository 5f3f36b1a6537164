package dev.libraryevents.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every example event next to the schemas: the valid ones validate and round-trip, the invalid ones are refused. */
class EventExamplesTest {

    static final Path SCHEMAS = Path.of("src/main/resources/schemas");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventCodec codec = EventCodec.shared();
    private final EventSchemas schemas = EventSchemas.shared();

    @Test
    void everyEventTypeHasValidAndInvalidExamplesForEachVersion() {
        for (EventType type : EventType.values()) {
            assertThat(schemas.versions(type)).as("schema versions of %s", type).contains(type.currentVersion());
            for (int version : schemas.versions(type)) {
                List<Path> examples = examples(type, version);
                assertThat(examples).as("examples of %s v%d", type, version)
                        .anyMatch(p -> name(p).startsWith("valid"))
                        .anyMatch(p -> name(p).startsWith("invalid"));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> validExamplesValidateAndRoundTripUnchanged() {
        return allExamples().filter(p -> name(p).startsWith("valid")).map(path -> DynamicTest.dynamicTest(
                label(path), () -> {
                    JsonNode original = read(path);
                    assertThat(schemas.validate(original)).isEmpty();

                    EventEnvelope decoded = codec.decode(original.toString());
                    JsonNode reencoded = JSON.readTree(codec.encodeValidated(decoded));

                    assertThat(reencoded).isEqualTo(original);
                    assertThat(codec.decode(reencoded.toString())).isEqualTo(decoded);
                }));
    }

    @TestFactory
    Stream<DynamicTest> invalidExamplesAreRejectedNamingTheField() {
        return allExamples().filter(p -> name(p).startsWith("invalid")).map(path -> DynamicTest.dynamicTest(
                label(path), () -> {
                    JsonNode example = read(path);
                    String field = example.get("expectedField").asText();
                    JsonNode event = example.get("event");

                    assertThat(schemas.validate(event)).extracting(Violation::field).contains(field);
                    assertThatThrownBy(() -> codec.decode(event.toString()))
                            .isInstanceOf(InvalidEventException.class)
                            .hasMessageContaining(field);
                }));
    }

    @Test
    void shouldRejectUnknownEventTypeAndVersion() {
        assertThatThrownBy(() -> codec.decode("{\"eventType\":\"BookBurned\",\"eventVersion\":1}"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("$.eventType");
        assertThatThrownBy(() -> codec.decode("{\"eventType\":\"BookAdded\",\"eventVersion\":99}"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("$.eventVersion");
        assertThatThrownBy(() -> codec.decode("not json"))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("not JSON");
    }

    static Stream<Path> allExamples() {
        try {
            return Files.walk(SCHEMAS).filter(p -> p.getParent().getParent().getFileName().toString()
                    .equals("examples") && name(p).endsWith(".json")).sorted();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> examples(EventType type, int version) {
        return examples(SCHEMAS.resolve(type.wireName()).resolve("examples").resolve("v" + version));
    }

    static List<Path> examples(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> name(p).endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path path) throws IOException {
        return JSON.readTree(path.toFile());
    }

    private static String name(Path path) {
        return path.getFileName().toString();
    }

    private static String label(Path path) {
        return SCHEMAS.relativize(path).toString();
    }
}
