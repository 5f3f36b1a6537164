package dev.libraryevents.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.common.Threads;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One Lambda function: each execution environment is a child JVM started from the function's jar, running AWS's
 * runtime interface client against a Runtime API this class serves on a loopback port of its own. Invocations
 * queue until an environment asks for the next one; more environments start, up to the concurrency limit, while
 * invocations wait. A timed-out invocation ends its environment, as in Lambda; init durations are recorded.
 */
public final class LocalFunction implements Invocable, AutoCloseable {

    /** How an invocation ended. */
    public enum Outcome { SUCCESS, ERROR, TIMEOUT }

    /** How an invocation ended, and its duration from the hand-over to the answer (what Lambda bills). */
    public record Result(Outcome outcome, String body, long millis) {
        public Result(Outcome outcome, String body) {
            this(outcome, body, 0);
        }
    }

    record Invocation(String requestId, String payload, int records, CompletableFuture<Result> result) {}

    /** A SIGKILL waiting for an invocation: some time after its hand-over, or (null) as it answers. */
    record ArmedKill(Duration afterHandOver, CompletableFuture<String> killed) {}

    /**
     * What Lambda's Java runtime sets in {@code AWS_LAMBDA_INITIALIZATION_TYPE} for a SnapStart version: its runtime
     * client then runs the {@code org.crac} hooks' {@code beforeCheckpoint} (priming) at the end of init, asks the
     * Runtime API for {@code restore/next} (where Lambda takes the snapshot), and runs {@code afterRestore}.
     */
    public static final String SNAP_START = "snap-start";
    public static final String ON_DEMAND = "on-demand";
    public static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";

    /** The flags Lambda's Java runtimes start the JVM with for short-lived functions: C1 only, serial GC. */
    public static final List<String> LAMBDA_JVM_OPTIONS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC");

    private static final ExecutorService STARTERS = Executors.newCachedThreadPool(Threads.daemon("starter"));

    final String name;
    private final Path jar;
    private final String handler;
    private volatile int memoryMb;
    private final Path logDirectory;
    private final JavaRuntimes.Jdk jdk;
    private final List<String> jvmOptions;
    private final Map<String, String> lambdaEnvironment;
    private volatile Map<String, String> variables;
    volatile Duration timeout;
    private final int maxConcurrency;
    final Path logFile;
    final Metering metering;
    private volatile String firstPayload;
    final LinkedBlockingDeque<Invocation> pending = new LinkedBlockingDeque<>();
    final List<Environment> environments = new CopyOnWriteArrayList<>();
    final List<Long> initMillis = Collections.synchronizedList(new ArrayList<>());
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "timeouts");
        thread.setDaemon(true);
        return thread;
    });
    final AtomicReference<ArmedKill> armedKill = new AtomicReference<>();
    private volatile boolean closed;
    private int starting; // environments being created on a starter thread; guarded by this

    /**
     * @param jvmOptions the JVM's flags besides the heap size, which follows the memory setting as in Lambda
     * @param metering   counts every invocation, its records and its duration; null for none
     */
    public LocalFunction(String name, Path jar, String handler, int memoryMb, Duration timeout, int maxConcurrency,
                  Map<String, String> environment, Path logDirectory, List<String> jvmOptions, Metering metering) {
        this(name, jar, handler, memoryMb, timeout, maxConcurrency, environment, Map.of(), logDirectory,
                JavaRuntimes.own(), jvmOptions, metering);
    }

    /**
     * @param lambdaEnvironment what Lambda sets in every environment (region, credentials, handler)
     * @param variables         the function's own environment variables, which a configuration update replaces
     * @param jdk               the Java its environments start on (its runtime's, where the machine has it)
     */
    public LocalFunction(String name, Path jar, String handler, int memoryMb, Duration timeout, int maxConcurrency,
                  Map<String, String> lambdaEnvironment, Map<String, String> variables, Path logDirectory,
                  JavaRuntimes.Jdk jdk, List<String> jvmOptions, Metering metering) {
        this.name = name;
        this.jar = jar;
        this.handler = handler;
        this.memoryMb = memoryMb;
        this.logDirectory = logDirectory;
        this.timeout = timeout;
        this.maxConcurrency = maxConcurrency;
        this.lambdaEnvironment = Map.copyOf(lambdaEnvironment);
        this.variables = Map.copyOf(variables);
        this.logFile = logDirectory.resolve(name + ".log");
        this.metering = metering;
        this.jdk = jdk;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The JVM's command line; the heap follows the memory setting, as in Lambda. */
    List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(jdk.java().toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-Xmx" + Math.max(64, memoryMb * 85 / 100) + "m",
                // As Lambda's runtime does: org.crac's hooks go to the runtime client's own CRaC context.
                "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
                "-cp", jar + File.pathSeparator + runtimeClasspath(), AWSLambda.class.getName(), handler));
        return command;
    }

    @Override
    public String name() {
        return name;
    }

    /** The jar this function runs from. */
    public Path jar() {
        return jar;
    }

    /** The Java its environments start on. */
    public JavaRuntimes.Jdk jdk() {
        return jdk;
    }

    /**
     * A new, unmetered function of one environment with this one's handler, memory and current environment
     * variables (with some changed), whose JVMs start from a jar, on a Java (null: this one's) and with flags of
     * their own: what a benchmark starts cold beside the running function.
     */
    public LocalFunction copy(String copyName, Path copyJar, Duration copyTimeout, JavaRuntimes.Jdk copyJdk,
                              List<String> jvmOptions, Map<String, String> environmentChanges) {
        Map<String, String> copyEnvironment = environment();
        copyEnvironment.putAll(environmentChanges);
        return new LocalFunction(copyName, copyJar, handler, memoryMb, copyTimeout, 1, copyEnvironment,
                Map.of(), logDirectory, copyJdk == null ? jdk : copyJdk, jvmOptions, null);
    }

    /** How many environments may run at once. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    public CompletableFuture<Result> invoke(String payload) {
        return invoke(payload, 1);
    }

    @Override
    public CompletableFuture<Result> invoke(String payload, int records) {
        if (firstPayload == null) {
            firstPayload = payload;
        }
        Invocation invocation = new Invocation(UUID.randomUUID().toString(), payload, records,
                new CompletableFuture<>());
        pending.add(invocation);
        scaleOut();
        return invocation.result;
    }

    /**
     * Starts an environment when invocations wait and none is idle, up to the concurrency: on every invocation,
     * and whenever an environment ends (a timed-out one is replaced, or what waits for it would wait forever).
     */
    synchronized void scaleOut() {
        long idle = environments.stream().filter(Environment::canTakeWork).count() + starting;
        if (!closed && idle < pending.size() && environments.size() + starting < maxConcurrency) {
            starting++;
            STARTERS.execute(this::startEnvironment);
        }
    }

    /**
     * On a starter thread: an environment may wait for its turn to start (one starts at a time), and invocations of
     * this function must not wait with it, or a function scaling out would stall while another one starts.
     */
    private void startEnvironment() {
        Environment started = null;
        try {
            started = new Environment(this);
        } catch (RuntimeException e) {
            Log.info(e.getMessage());
            // As in Lambda, an environment that cannot start fails the invocation waiting for it.
            failOneWaiting(CloudTemplate.JSON.createObjectNode().put("errorMessage", e.getMessage()).toString());
        } finally {
            synchronized (this) {
                starting--;
                if (started != null && started.alive()) { // one that died at once has cleaned up already
                    environments.add(started);
                }
            }
        }
        if (started != null && closed) {
            started.stop();
        }
        scaleOut(); // whatever became of this one, invocations still waiting need an environment
    }

    void failOneWaiting(String body) {
        Invocation failed = pending.poll();
        if (failed != null) {
            failed.result.complete(new Result(Outcome.ERROR, body));
        }
    }

    /** Invocations waiting and each environment's state: what a drain that does not end needs to show. */
    public synchronized String state() {
        return name + ": " + pending.size() + " waiting, " + starting + " starting, environments "
                + environments.stream().map(Environment::state).toList();
    }

    /** The function's own variables, as Lambda's GetFunctionConfiguration shows them. */
    Map<String, String> variables() {
        return variables;
    }

    /** What a new environment's process gets: Lambda's own variables, then the function's. */
    Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>(lambdaEnvironment);
        environment.putAll(variables);
        return environment;
    }

    String handler() {
        return handler;
    }

    int memoryMb() {
        return memoryMb;
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * UpdateFunctionConfiguration: what is given replaces what was (all the variables at once, as in Lambda); running
     * environments end, and new ones start with the new configuration.
     *
     * @param newVariables null to keep them; likewise timeout and memory
     */
    synchronized void configure(Map<String, String> newVariables, Duration newTimeout, Integer newMemoryMb) {
        if (newVariables != null) {
            variables = Map.copyOf(newVariables);
        }
        if (newTimeout != null) {
            timeout = newTimeout;
        }
        if (newMemoryMb != null) {
            memoryMb = newMemoryMb;
        }
        environments.forEach(Environment::stop);
    }

    /**
     * Arms a SIGKILL for an invocation to come: {@code afterHandOver} after an environment is handed one, or, if
     * null, as its handler answers (the work done, the answer lost). An invocation that ends before its kill leaves
     * the kill armed for the next. The future completes once an environment was killed, saying when; cancelling it
     * takes the kill back.
     */
    public CompletableFuture<String> killAnInvocation(Duration afterHandOver) {
        ArmedKill kill = new ArmedKill(afterHandOver, new CompletableFuture<>());
        armedKill.set(kill);
        kill.killed().whenComplete((how, cancelled) -> armedKill.compareAndSet(kill, null));
        return kill.killed;
    }

    /** Whether an invocation is waiting or running. */
    public boolean busy() {
        return !pending.isEmpty() || environments.stream().anyMatch(e -> !e.idle());
    }

    /** The payload of this function's first invocation, null before one. */
    public String firstPayload() {
        return firstPayload;
    }

    /** Milliseconds from each environment's start to its first request for work. */
    public List<Long> initDurations() {
        return List.copyOf(initMillis);
    }

    void expire(Invocation invocation) {
        if (invocation.result.complete(new Result(Outcome.TIMEOUT,
                "{\"errorMessage\":\"Task timed out after " + timeout.toSeconds() + " seconds\"}",
                timeout.toMillis()))) {
            if (metering != null) {
                metering.invoked(name, invocation.records, timeout.toMillis());
                metering.failed(name);
            }
            pending.remove(invocation);
            environments.stream().filter(e -> e.runs(invocation)).forEach(Environment::stop);
        }
    }

    @Override
    public void close() {
        closed = true;
        environments.forEach(Environment::stop);
        timer.shutdownNow();
    }

    /** The runtime interface client and what it needs beside the function's own jar, from this JVM's classpath. */
    private static String runtimeClasspath() {
        List<String> jars = new ArrayList<>();
        // The runtime interface client and what it needs itself, as Lambda's Java runtime has them: the core
        // interfaces and the SDK's utils-lite (the client keeps the trace id in its thread-local). Our functions'
        // jars bring their own copies; a handler that does not (a test's) needs these.
        for (String className : List.of(AWSLambda.class.getName(),
                "com.amazonaws.services.lambda.runtime.LambdaLogger",
                "software.amazon.awssdk.utilslite.SdkInternalThreadLocal",
                "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
                "software.amazon.awssdk.utils.StringUtils",
                "software.amazon.awssdk.annotations.SdkPublicApi")) {
            try {
                jars.add(Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI())
                        .toString());
            } catch (ClassNotFoundException | URISyntaxException e) {
                throw new IllegalStateException("the local cloud needs " + className + " on its classpath", e);
            }
        }
        return String.join(File.pathSeparator, jars);
    }
}
