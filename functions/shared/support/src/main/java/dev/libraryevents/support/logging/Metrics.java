package dev.libraryevents.support.logging;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Metrics in CloudWatch's embedded metric format (EMF): one JSON log line that CloudWatch Logs turns into metrics
 * of the {@value #NAMESPACE} namespace, with no client call and nothing to wait for. Every line has the service as
 * its dimension, and may add one more (then the metrics exist both per service and per service and that value).
 * A metric is a count or a list of values (at most {@value #MAX_VALUES} per line, as EMF allows). Like {@link Log}'s,
 * every line names its function and carries {@code correlationId}, null where it has none.
 *
 * <pre>
 * Metrics.of("audit").dimension("EventType", "BookBorrowed").count("EventsConsumed", 3)
 *         .values("EventAge", Metrics.MILLISECONDS, ages).write();
 * </pre>
 */
public final class Metrics {

    public static final String NAMESPACE = "LibraryEvents";
    public static final String SERVICE = "Service";
    public static final String COUNT = "Count";
    public static final String MILLISECONDS = "Milliseconds";
    static final int MAX_VALUES = 100;

    /** Set by Lambda; a test or a local run has none. */
    private static final String FUNCTION = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local");

    private final ObjectNode line = JsonNodeFactory.instance.objectNode();
    private final ArrayNode definitions;
    private final List<String> dimensions = new ArrayList<>(List.of(SERVICE));
    private final PrintStream out;

    private Metrics(String service, Clock clock, PrintStream out) {
        this.out = out;
        ObjectNode directive = line.putObject("_aws").put("Timestamp", clock.millis())
                .putArray("CloudWatchMetrics").addObject().put("Namespace", NAMESPACE);
        directive.putArray("Dimensions");
        definitions = directive.putArray("Metrics");
        line.put(SERVICE, service).put("function", FUNCTION).putNull("correlationId");
    }

    /** A line for {@code service}, written to standard output, where Lambda sends it to the function's log group. */
    public static Metrics of(String service) {
        return new Metrics(service, Clock.systemUTC(), System.out);
    }

    /** For tests: a clock and a stream of their own. */
    static Metrics of(String service, Clock clock, PrintStream out) {
        return new Metrics(service, clock, out);
    }

    /** One more dimension: each metric of the line is kept per service, and per service and this value. */
    public Metrics dimension(String name, String value) {
        dimensions.add(name);
        line.put(name, value);
        return this;
    }

    public Metrics correlationId(String correlationId) {
        line.put("correlationId", correlationId);
        return this;
    }

    public Metrics count(String name, long count) {
        define(name, COUNT);
        line.put(name, count);
        return this;
    }

    /** Several observations of one metric (each event's age, say); beyond {@value #MAX_VALUES}, the first ones. */
    public Metrics values(String name, String unit, List<Long> values) {
        define(name, unit);
        ArrayNode array = line.putArray(name);
        values.stream().limit(MAX_VALUES).forEach(array::add);
        return this;
    }

    private void define(String name, String unit) {
        definitions.addObject().put("Name", name).put("Unit", unit);
    }

    public void write() {
        ArrayNode sets = (ArrayNode) line.path("_aws").path("CloudWatchMetrics").path(0).path("Dimensions");
        sets.addArray().add(SERVICE);
        if (dimensions.size() > 1) {
            ArrayNode both = sets.addArray();
            dimensions.forEach(both::add);
        }
        out.println(line);
    }
}
