package dev.libraryevents.support.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The line CloudWatch must be able to read as embedded metric format: its directive, its dimensions, its values. */
class MetricsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Test
    void shouldWriteOneEmfLine_perServiceAndPerServiceAndEventType() throws Exception {
        Metrics.of("audit", CLOCK, new PrintStream(written, true, StandardCharsets.UTF_8))
                .dimension("EventType", "BookBorrowed").count("EventsConsumed", 2)
                .values("EventAge", Metrics.MILLISECONDS, List.of(120L, 80L)).write();

        JsonNode line = onlyLine();
        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(CLOCK.millis());
        assertThat(directive.path("Namespace").asText()).isEqualTo("LibraryEvents");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"Service\"],[\"Service\",\"EventType\"]]");
        assertThat(directive.path("Metrics").toString()).isEqualTo(
                "[{\"Name\":\"EventsConsumed\",\"Unit\":\"Count\"},{\"Name\":\"EventAge\",\"Unit\":\"Milliseconds\"}]");
        // Every dimension and metric named in the directive is a member of the line itself, as EMF requires.
        assertThat(line.path("Service").asText()).isEqualTo("audit");
        assertThat(line.path("EventType").asText()).isEqualTo("BookBorrowed");
        assertThat(line.path("EventsConsumed").asLong()).isEqualTo(2);
        assertThat(line.path("EventAge").toString()).isEqualTo("[120,80]");
        assertThat(line.has("correlationId")).as("every log line has the field, null where none").isTrue();
    }

    @Test
    void shouldKeepAtMostAHundredValues_asEmfAllows() throws Exception {
        Metrics.of("audit", CLOCK, new PrintStream(written, true, StandardCharsets.UTF_8))
                .values("EventAge", Metrics.MILLISECONDS, LongStream.range(0, 150).boxed().toList())
                .correlationId("c-1").write();

        JsonNode line = onlyLine();
        assertThat(line.path("EventAge").size()).isEqualTo(100);
        assertThat(line.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[\"Service\"]]");
        assertThat(line.path("correlationId").asText()).isEqualTo("c-1");
    }

    private JsonNode onlyLine() throws Exception {
        List<String> lines = written.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        return new ObjectMapper().readTree(lines.get(0));
    }
}
