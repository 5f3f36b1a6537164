package dev.libraryevents.localcloud.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What CloudWatch makes of the functions' EMF log lines, for the console: each metric per minute, by its widest
 * dimension set (a sum for counts, the largest value for anything else), and each service's latest event age. It
 * reads each function's log from where it stopped the time before, so that a live view costs what was logged since.
 */
final class EmfMetrics {

    private final Path logDirectory;
    private final Map<String, Long> readUpTo = new HashMap<>();
    private final Map<String, TreeMap<Long, Double>> series = new TreeMap<>();
    private final Map<String, Long> latestEventAgeByService = new HashMap<>();

    EmfMetrics(Path logDirectory) {
        this.logDirectory = logDirectory;
    }

    /**
     * Every series so far: its name (the metric and its dimensions' values, e.g. {@code EventsConsumed (audit,
     * BookBorrowed)}), and its value per minute (epoch millis of the minute's start).
     */
    synchronized Map<String, TreeMap<Long, Double>> series(Iterable<String> functions) throws IOException {
        read(functions);
        Map<String, TreeMap<Long, Double>> copy = new LinkedHashMap<>();
        series.forEach((name, points) -> copy.put(name, new TreeMap<>(points)));
        return copy;
    }

    /** By service: the largest age (ms) among the events it consumed in its latest batch; none before one. */
    synchronized Map<String, Long> latestEventAges(Iterable<String> functions) throws IOException {
        read(functions);
        return Map.copyOf(latestEventAgeByService);
    }

    private void read(Iterable<String> functions) throws IOException {
        for (String function : functions) {
            Path log = logDirectory.resolve(function + ".log");
            if (!Files.exists(log)) {
                continue;
            }
            long from = readUpTo.getOrDefault(function, 0L);
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long length = file.length();
                if (length < from) {
                    from = 0; // a new log under the same name
                }
                byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - from)];
                file.seek(from);
                file.readFully(bytes);
                String text = new String(bytes, StandardCharsets.UTF_8);
                int complete = text.lastIndexOf('\n') + 1; // a line still being written is read next time
                for (String line : text.substring(0, complete).split("\n")) {
                    if (line.startsWith("{\"_aws\"")) {
                        add(CloudTemplate.JSON.readTree(line));
                    }
                }
                readUpTo.put(function, from + text.substring(0, complete).getBytes(StandardCharsets.UTF_8).length);
            }
        }
    }

    private void add(JsonNode line) {
        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        long minute = line.at("/_aws/Timestamp").asLong() / 60_000 * 60_000;
        JsonNode sets = directive.path("Dimensions");
        StringBuilder dimensions = new StringBuilder();
        sets.path(sets.size() - 1).forEach(name -> dimensions.append(dimensions.isEmpty() ? "" : ", ")
                .append(line.path(name.asText()).asText()));
        for (JsonNode metric : directive.path("Metrics")) {
            String name = metric.path("Name").asText();
            boolean count = "Count".equals(metric.path("Unit").asText());
            JsonNode value = line.path(name);
            double observed = 0;
            for (JsonNode each : value.isArray() ? value : CloudTemplate.JSON.createArrayNode().add(value)) {
                observed = count ? observed + each.asDouble() : Math.max(observed, each.asDouble());
            }
            series.computeIfAbsent(name + " (" + dimensions + ")" + (count ? "" : ", max"), key -> new TreeMap<>())
                    .merge(minute, observed, count ? Double::sum : Math::max);
            if (name.equals("EventAge")) {
                latestEventAgeByService.put(line.path("Service").asText(), (long) observed);
            }
        }
    }
}
