package dev.libraryevents.localcloud.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The console's reading of the functions' EMF lines: per minute, by dimensions, and only what is new each time. */
class EmfMetricsTest {

    private static final long MINUTE = 1_800_000_000_000L / 60_000 * 60_000;

    @Test
    void shouldSumCountsAndKeepTheLargestValue_perMinute_readingOnlyCompleteLinesOnce() throws Exception {
        Path logs = Files.createTempDirectory("emf");
        Path log = logs.resolve("AuditConsumer.log");
        Files.writeString(log, consumed(MINUTE + 1_000, 2, "[120,80]") + "\n"
                + "{\"level\":\"INFO\",\"message\":\"not a metric\"}\n"
                + consumed(MINUTE + 2_000, 1, "[300]") + "\n"
                + consumed(MINUTE + 61_000, 1, "[40]").substring(0, 30)); // still being written
        EmfMetrics metrics = new EmfMetrics(logs);

        Map<String, TreeMap<Long, Double>> first = metrics.series(List.of("AuditConsumer", "Absent"));
        Files.writeString(log, consumed(MINUTE + 61_000, 1, "[40]").substring(30) + "\n",
                StandardOpenOption.APPEND);
        Map<String, TreeMap<Long, Double>> second = metrics.series(List.of("AuditConsumer"));

        assertThat(first.get("EventsConsumed (audit, BookBorrowed)")).containsExactly(Map.entry(MINUTE, 3.0));
        assertThat(first.get("EventAge (audit, BookBorrowed), max")).containsExactly(Map.entry(MINUTE, 300.0));
        assertThat(second.get("EventsConsumed (audit, BookBorrowed)"))
                .containsExactly(Map.entry(MINUTE, 3.0), Map.entry(MINUTE + 60_000, 1.0));
        assertThat(metrics.latestEventAges(List.of("AuditConsumer"))).containsExactly(Map.entry("audit", 40L));
    }

    /** A line as function-support's Metrics writes it for a batch's events of one type. */
    private static String consumed(long timestamp, int count, String ages) {
        return "{\"_aws\":{\"Timestamp\":" + timestamp + ",\"CloudWatchMetrics\":[{\"Namespace\":\"LibraryEvents\","
                + "\"Dimensions\":[[\"Service\"],[\"Service\",\"EventType\"]],\"Metrics\":[{\"Name\":\"EventsConsumed\","
                + "\"Unit\":\"Count\"},{\"Name\":\"EventAge\",\"Unit\":\"Milliseconds\"}]}]},\"Service\":\"audit\","
                + "\"function\":\"local\",\"correlationId\":null,\"EventType\":\"BookBorrowed\",\"EventsConsumed\":"
                + count + ",\"EventAge\":" + ages + "}";
    }
}
