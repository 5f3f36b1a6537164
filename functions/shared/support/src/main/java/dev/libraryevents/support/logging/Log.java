package dev.libraryevents.support.logging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The one structured log line every function writes: a JSON object (Lambda's JSON log format passes it through as
 * it is) with {@code level}, {@code message}, {@code function}, {@code correlationId} and {@code eventId} on every
 * line, null where a line has none, so that a search by correlation id finds every line of a request.
 *
 * <pre>
 * Log.warn("rejected an invalid event").eventId(id).with("detail", reason).write();
 * </pre>
 */
public final class Log {

    /** Set by Lambda; a test or a local run has none. */
    private static final String FUNCTION = System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "local");

    private final ObjectNode line = JsonNodeFactory.instance.objectNode();
    private final PrintStream out;

    private Log(String level, String message, PrintStream out) {
        this.out = out;
        line.put("level", level).put("message", message).put("function", FUNCTION)
                .putNull("correlationId").putNull("eventId");
    }

    public static Log info(String message) {
        return new Log("INFO", message, System.out);
    }

    public static Log warn(String message) {
        return new Log("WARN", message, System.err);
    }

    public static Log error(String message) {
        return new Log("ERROR", message, System.err);
    }

    public Log correlationId(String correlationId) {
        line.put("correlationId", correlationId);
        return this;
    }

    public Log eventId(String eventId) {
        line.put("eventId", eventId);
        return this;
    }

    public Log with(String field, String value) {
        line.put(field, value);
        return this;
    }

    /** The stack trace, in the line rather than after it, so that it stays one log event. */
    public Log error(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        line.put("error", trace.toString());
        return this;
    }

    public void write() {
        out.println(line);
    }
}
