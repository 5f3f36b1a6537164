package dev.libraryevents.localcloud.lambda;

import java.util.Map;

/**
 * Handlers whose behaviour is the test's subject, run by AWS's runtime interface client in a child JVM (a plain
 * class and method: the client needs no Lambda interface for them).
 */
public class ScriptedHandler {

    public Map<String, Object> echo(Map<String, Object> event) {
        return Map.of("echo", event, "variable", String.valueOf(System.getenv("GREETING")));
    }

    public Map<String, Object> fail(Map<String, Object> event) {
        throw new IllegalStateException("failed on purpose");
    }

    public Map<String, Object> sleep(Map<String, Object> event) throws InterruptedException {
        Thread.sleep(((Number) event.getOrDefault("millis", 5_000)).longValue());
        return Map.of("slept", true);
    }
}
