package dev.libraryevents.localcloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The bus archive: every event the bus accepted, as delivered, in arrival order ({@code {"bus": …, "event": …}} a
 * line), kept in {@code eventbridge-archive.jsonl} under the data directory when there is one. Replays read it;
 * they never add to it.
 */
final class BusArchive {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> lines = new ArrayList<>();
    private final Path file;

    /** @param dataDirectory null to keep the archive in memory */
    BusArchive(Path dataDirectory) {
        this.file = dataDirectory == null ? null : dataDirectory.resolve("eventbridge-archive.jsonl");
    }

    /** Loads the archive a previous run left in the data directory. */
    synchronized void load() throws IOException {
        if (file != null && Files.exists(file)) {
            lines.addAll(Files.readAllLines(file));
        }
    }

    synchronized void add(String busName, ObjectNode event) {
        String line = JSON.createObjectNode().put("bus", busName).set("event", event).toString();
        lines.add(line);
        if (file != null) {
            try {
                Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A copy of every line, for a replay to go through while the bus takes new events. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** One bus's archived events and their size in bytes. */
    synchronized long[] size(String busName) throws IOException {
        long count = 0;
        long bytes = 0;
        for (String line : lines) {
            if (JSON.readTree(line).path("bus").asText().equals(busName)) {
                count++;
                bytes += line.length();
            }
        }
        return new long[] {count, bytes};
    }

    /** Every archived event, as EventBridge delivered it. */
    synchronized List<JsonNode> events() throws IOException {
        List<JsonNode> events = new ArrayList<>(lines.size());
        for (String line : lines) {
            events.add(JSON.readTree(line).path("event"));
        }
        return events;
    }

    /** The last {@code count} lines, oldest first. */
    synchronized List<JsonNode> recent(int count) throws IOException {
        List<JsonNode> recent = new ArrayList<>();
        for (String line : lines.subList(Math.max(0, lines.size() - count), lines.size())) {
            recent.add(JSON.readTree(line));
        }
        return recent;
    }

    /** The detail-types of the archived events whose envelope carries this correlation id. */
    synchronized List<String> typesOf(String correlationId) throws IOException {
        List<String> types = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = JSON.readTree(line).path("event");
            if (correlationId.equals(event.path("detail").path("correlationId").asText())) {
                types.add(event.path("detail-type").asText());
            }
        }
        return types;
    }
}
