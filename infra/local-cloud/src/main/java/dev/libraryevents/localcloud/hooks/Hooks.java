package dev.libraryevents.localcloud.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.lambda.JavaRuntimes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the benchmark, the chaos soak, the console and the end-to-end tests may do to a running local cloud beyond
 * AWS's own APIs: read its meters, wait for it to settle, start a function cold, inject faults. No deployment and
 * no function calls these; a scenario that must also run on AWS uses AWS's APIs instead.
 */
public interface Hooks {

    // --- Measuring --------------------------------------------------------------------------------------------------

    /** Milliseconds the cloud took to start. */
    long bootMillis();

    /** The counters a bill is made of: requests, capacity units, invocations and their durations. */
    Metering metering();

    /** Init durations in milliseconds of every environment started so far, by function. */
    Map<String, List<Long>> initDurations();

    /** Bytes the functions have logged so far (what CloudWatch Logs would ingest), by function. */
    Map<String, Long> logBytes() throws IOException;

    /** The bus's count of accepted entries since start. */
    long eventsPut();

    /** Every event the bus accepted since the archive began (its replays not included), as delivered. */
    List<JsonNode> archivedEvents() throws IOException;

    /** What the bus accepted for one correlation id: the event types, in the order they arrived. */
    List<String> eventsOf(String correlationId) throws IOException;

    // --- The functions ----------------------------------------------------------------------------------------------

    /** The functions' logical ids, in template order. */
    List<String> functionNames();

    /** Where each function's log goes: {@code <logical id>.log}. */
    Path logDirectory();

    /** The jar a function runs from (its asset in the cloud assembly). */
    Path jarOf(String functionLogicalIdPrefix);

    /** The Java a function's environments start on: its runtime's, or the local cloud's own where that is missing. */
    JavaRuntimes.Jdk jdkOf(String functionLogicalIdPrefix);

    /** The payload a function was first invoked with, null if it has not been invoked. */
    String firstPayload(String functionLogicalIdPrefix);

    /** What a function has waiting and running now. */
    String functionState(String name);

    /**
     * Each function with work waiting or running: its invocations waiting and its environments (process, whether
     * busy and for how long). What to look at when {@link #awaitQuiet} does not come.
     */
    List<String> busyFunctions();

    /**
     * Waits until no function has had work for {@code quiet}: everything sent has been carried as far as it goes.
     *
     * @return false if that did not happen within {@code limit}
     */
    boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException;

    /**
     * Starts a fresh copy of a function (same handler, memory and environment; the jar, JVM flags and
     * initialization {@code setup} says), invokes it once with {@code payload}, then twice more, and stops it. The
     * running function is not disturbed.
     */
    ColdStart coldStart(String functionLogicalIdPrefix, String payload, ColdStart.Setup setup) throws Exception;

    /**
     * The same for a handler that is not part of the template, such as a benchmark's do-nothing baseline; without a
     * Java of its own it starts on the template's functions' one.
     */
    ColdStart coldStart(Path jar, String handler, int memoryMb, String payload, ColdStart.Setup setup)
            throws Exception;

    /** Runs a schedule rule's targets now, as far as their permissions let the rule invoke them. */
    int fireSchedule(String ruleLogicalIdPrefix) throws Exception;

    // --- Faults -----------------------------------------------------------------------------------------------------

    /** The faults this cloud injects when asked to (bin/chaos); none unless asked. */
    Faults faults();

    /**
     * Disables or enables a function's event source mappings, as UpdateEventSourceMapping does: messages wait in
     * the queue meanwhile. For tests that restart the cloud; the others use Lambda's API.
     */
    void pauseConsumer(String functionLogicalIdPrefix, boolean paused);

    /**
     * Kills (SIGKILL) the environment running one of a function's next invocations, as a crash or Lambda's own end
     * of a sandbox would: {@code afterHandOver} into the invocation, or, if null, as the handler answers (its work
     * done, its answer lost). The invocation fails as {@code Runtime.ExitError}; the next one starts a new
     * environment. Waits at most {@code patience} for an invocation to kill.
     *
     * @return when the kill struck, or empty if no invocation came to kill
     */
    Optional<String> killAnInvocation(String functionLogicalIdPrefix, Duration afterHandOver, Duration patience)
            throws InterruptedException;

    /**
     * {@link #killAnInvocation} without waiting: the kill is armed when this returns, so that the caller can then
     * send the request it is meant for. The future says when it struck; cancelling it takes the kill back.
     */
    CompletableFuture<String> armKill(String functionLogicalIdPrefix, Duration afterHandOver);
}
