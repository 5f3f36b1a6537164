package dev.libraryevents.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.common.Threads;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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

    private record Invocation(String requestId, String payload, int records, CompletableFuture<Result> result) {}

    /** A SIGKILL waiting for an invocation: some time after its hand-over, or (null) as it answers. */
    private record ArmedKill(Duration afterHandOver, CompletableFuture<String> killed) {}

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

    /**
     * The runtime interface client copies its native library to one fixed path (/tmp/.libaws-lambda-jni.so) as it
     * starts; two JVMs doing so at once can crash the one that is loading it (SIGBUS). So environments start one
     * at a time across all functions: the next may start once the previous has asked for work (or ended).
     */
    private static final Semaphore STARTING = new Semaphore(1);
    private static final String CREDENTIALS_PATH = "/2018-06-01/credentials";
    private static final ExecutorService STARTERS = Executors.newCachedThreadPool(Threads.daemon("starter"));

    /** Lambda allows 10 s of init; a JVM started on a busy two-core machine gets more before it counts as failed. */
    private static final Duration INIT_LIMIT = Duration.ofSeconds(30);

    private final String name;
    private final Path jar;
    private final String handler;
    private volatile int memoryMb;
    private final Path logDirectory;
    private final List<String> jvmOptions;
    private final Map<String, String> lambdaEnvironment;
    private volatile Map<String, String> variables;
    private volatile Duration timeout;
    private final int maxConcurrency;
    private final Path logFile;
    private final Metering metering;
    private volatile String firstPayload;
    private final LinkedBlockingDeque<Invocation> pending = new LinkedBlockingDeque<>();
    private final List<Environment> environments = new CopyOnWriteArrayList<>();
    private final List<Long> initMillis = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "timeouts");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<ArmedKill> armedKill = new AtomicReference<>();
    private volatile boolean closed;
    private int starting; // environments being created on a starter thread; guarded by this

    /**
     * @param jvmOptions the JVM's flags besides the heap size, which follows the memory setting as in Lambda
     * @param metering   counts every invocation, its records and its duration; null for none
     */
    public LocalFunction(String name, Path jar, String handler, int memoryMb, Duration timeout, int maxConcurrency,
                  Map<String, String> environment, Path logDirectory, List<String> jvmOptions, Metering metering) {
        this(name, jar, handler, memoryMb, timeout, maxConcurrency, environment, Map.of(), logDirectory, jvmOptions,
                metering);
    }

    /**
     * @param lambdaEnvironment what Lambda sets in every environment (region, credentials, handler)
     * @param variables         the function's own environment variables, which a configuration update replaces
     */
    public LocalFunction(String name, Path jar, String handler, int memoryMb, Duration timeout, int maxConcurrency,
                  Map<String, String> lambdaEnvironment, Map<String, String> variables, Path logDirectory,
                  List<String> jvmOptions, Metering metering) {
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
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The JVM's command line; the heap follows the memory setting, as in Lambda. */
    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
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

    /**
     * A new, unmetered function of one environment with this one's handler, memory and current environment
     * variables (with some changed), whose JVMs start from a jar and with flags of their own: what a benchmark
     * starts cold beside the running function.
     */
    public LocalFunction copy(String copyName, Path copyJar, Duration copyTimeout, List<String> jvmOptions,
                       Map<String, String> environmentChanges) {
        Map<String, String> copyEnvironment = environment();
        copyEnvironment.putAll(environmentChanges);
        return new LocalFunction(copyName, copyJar, handler, memoryMb, copyTimeout, 1, copyEnvironment,
                Map.of(), logDirectory, jvmOptions, null);
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
    private synchronized void scaleOut() {
        long idle = environments.stream().filter(Environment::canTakeWork).count() + starting;
        if (!closed && idle < pending.size() && environments.size() + starting < maxConcurrency) {
            starting++;
            STARTERS.execute(this::startEnvironment);
        }
    }

    /**
     * On a starter thread: an environment may wait for its turn to start (see STARTING), and invocations of this
     * function must not wait with it, or a function scaling out would stall while another one starts.
     */
    private void startEnvironment() {
        Environment started = null;
        try {
            started = new Environment();
        } catch (RuntimeException e) {
            Log.info(e.getMessage());
            // As in Lambda, an environment that cannot start fails the invocation waiting for it.
            failOneWaiting(CloudTemplate.JSON.createObjectNode().put("errorMessage", e.getMessage()).toString());
        } finally {
            synchronized (this) {
                starting--;
                if (started != null && started.process.isAlive()) { // one that died at once has cleaned up already
                    environments.add(started);
                }
            }
        }
        if (started != null && closed) {
            started.stop();
        }
        scaleOut(); // whatever became of this one, invocations still waiting need an environment
    }

    private void failOneWaiting(String body) {
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
    private Map<String, String> environment() {
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

    private void expire(Invocation invocation) {
        if (invocation.result.complete(new Result(Outcome.TIMEOUT,
                "{\"errorMessage\":\"Task timed out after " + timeout.toSeconds() + " seconds\"}",
                timeout.toMillis()))) {
            if (metering != null) {
                metering.invoked(name, invocation.records, timeout.toMillis());
                metering.failed(name);
            }
            pending.remove(invocation);
            environments.stream().filter(e -> e.current == invocation).forEach(Environment::stop);
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

    /** One execution environment: a child JVM and the Runtime API endpoint it talks to. */
    private final class Environment {

        private HttpServer runtimeApi;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, name + "-runtime-api");
            thread.setDaemon(true);
            return thread;
        });
        private final long startedAt;
        private Process process;
        private volatile boolean initialized;
        private volatile boolean startReleased;
        private volatile Invocation current;
        private volatile long handedOverAt;
        private volatile boolean stopped;
        private final String credentialsToken = UUID.randomUUID().toString();
        private volatile String accessKey;

        Environment() {
            STARTING.acquireUninterruptibly();
            startedAt = System.nanoTime(); // init is measured from the JVM's start, not from the wait for a turn
            try {
                runtimeApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                runtimeApi.setExecutor(threads);
                runtimeApi.createContext("/2018-06-01/runtime/", this::handle);
                runtimeApi.createContext(CREDENTIALS_PATH, this::credentials);
                runtimeApi.start();
                Map<String, String> env = environment();
                env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.getAddress().getPort());
                if (SNAP_START.equals(env.get(INITIALIZATION_TYPE))) {
                    containerCredentials(env);
                }
                ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
                builder.environment().clear();
                builder.environment().putAll(env);
                process = builder.start();
                process.onExit().thenRun(this::exited);
                timer.schedule(this::initTimedOut, INIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (IOException | RuntimeException e) {
                stopped = true;
                started();
                if (runtimeApi != null) {
                    runtimeApi.stop(0);
                }
                if (process != null) {
                    process.destroyForcibly();
                }
                throw new IllegalStateException("could not start an environment for " + name + ": " + e, e);
            }
        }

        /**
         * A snapshot would freeze the access key variables, so Lambda sets none in a SnapStart environment: the SDK
         * fetches credentials from a container credentials endpoint instead. This one serves the function's own
         * access key (its logical id, which the local IAM and the metering go by) to the bearer of the token.
         */
        private void containerCredentials(Map<String, String> env) {
            accessKey = env.remove("AWS_ACCESS_KEY_ID");
            env.remove("AWS_SECRET_ACCESS_KEY");
            env.remove("AWS_SESSION_TOKEN");
            env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + runtimeApi.getAddress().getPort()
                    + CREDENTIALS_PATH);
            env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", credentialsToken);
        }

        /** Lets the next environment start; once per environment. */
        private synchronized void started() {
            if (!startReleased) {
                startReleased = true;
                STARTING.release();
            }
        }

        boolean idle() {
            return current == null;
        }

        /** Idle and able to ask for work: not ended, nor dead and not yet cleaned up. */
        boolean canTakeWork() {
            return idle() && !stopped && process.isAlive();
        }

        public String state() {
            Invocation running = current;
            return "pid " + process.pid() + (process.isAlive() ? "" : " dead") + (stopped ? " stopped" : "")
                    + (initialized ? "" : " initializing") + (running == null ? " idle"
                    : " busy " + (System.nanoTime() - handedOverAt) / 1_000_000 + " ms");
        }

        /** An environment that never asks for work fails the invocation that was waiting for it, and ends. */
        private void initTimedOut() {
            if (!initialized) {
                failOneWaiting("{\"errorMessage\":\"init did not finish within " + INIT_LIMIT.toSeconds()
                        + " seconds\"}");
                stop();
            }
        }

        void stop() {
            stopped = true;
            started();
            // SIGTERM first: a JVM ends in milliseconds and runs its exit work (a class-data archive is written then).
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            runtimeApi.stop(0);
            threads.shutdownNow();
            if (environments.remove(this)) {
                scaleOut();
            }
        }

        private void exited() {
            Invocation lost = current;
            String error = "{\"errorMessage\":\"Runtime exited with code " + process.exitValue() + "\"}";
            if (lost != null) {
                if (lost.result.complete(new Result(Outcome.ERROR, error)) && metering != null) {
                    metering.failed(name);
                }
            } else if (!initialized && !stopped) {
                failOneWaiting(error); // it crashed in init: the invocation it was started for fails, as in Lambda
            }
            stop();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (path.endsWith("/invocation/next")) {
                    next(exchange);
                } else if (path.endsWith("/response") || path.endsWith("/error")) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    if (killAtTheAnswer()) {
                        return; // unanswered: the process is gone, and exited() fails the invocation
                    }
                    Invocation done = current;
                    current = null;
                    if (done != null && path.contains(done.requestId)) {
                        long millis = Math.max(1, (System.nanoTime() - handedOverAt + 999_999) / 1_000_000);
                        if (metering != null) {
                            metering.invoked(name, done.records, millis);
                            if (path.endsWith("/error")) {
                                metering.failed(name);
                            }
                        }
                        done.result.complete(new Result(path.endsWith("/response") ? Outcome.SUCCESS
                                : Outcome.ERROR, body, millis));
                    }
                    respond(exchange, 202, "{\"status\":\"OK\"}");
                } else if (path.endsWith("/restore/next")) {
                    // Lambda would take the snapshot here, after priming; the environment goes on as if restored.
                    respond(exchange, 200, "");
                } else if (path.endsWith("/init/error") || path.endsWith("/restore/error")) {
                    failOneWaiting(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                    respond(exchange, 202, "{\"status\":\"OK\"}");
                } else {
                    respond(exchange, 404, "{\"errorMessage\":\"unknown runtime path\"}");
                }
            }
        }

        private void next(HttpExchange exchange) throws IOException {
            if (!initialized) {
                initialized = true;
                initMillis.add((System.nanoTime() - startedAt) / 1_000_000);
                started();
            }
            Invocation invocation;
            try {
                do {
                    invocation = pending.take();
                } while (invocation.result.isDone());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (stopped) {
                // This environment ended (reconfigured, timed out) while its runtime waited for work: the
                // invocation goes back to the head of the line, for an environment that will answer it.
                pending.addFirst(invocation);
                scaleOut();
                return;
            }
            current = invocation;
            handedOverAt = System.nanoTime();
            // As in Lambda, the function's timeout runs from the hand-over: init time is not part of it.
            Invocation handedOver = invocation;
            timer.schedule(() -> expire(handedOver), timeout.toMillis(), TimeUnit.MILLISECONDS);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            // The runtime client's native code expects every one of these headers.
            var headers = exchange.getResponseHeaders();
            headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
            headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
            headers.set("Lambda-Runtime-Invoked-Function-Arn", CloudTemplate.arn("lambda", "function:" + name));
            headers.set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                    + "-" + invocation.requestId.replace("-", "").substring(0, 24) + ";Sampled=0");
            headers.set("Lambda-Runtime-Client-Context", "");
            headers.set("Lambda-Runtime-Cognito-Identity", "");
            respond(exchange, 200, invocation.payload);
            killAfterHandOver(invocation);
        }

        /** If a kill is armed for some time after a hand-over: then, unless the invocation has ended by then. */
        private void killAfterHandOver(Invocation invocation) {
            ArmedKill kill = armedKill.get();
            if (kill == null || kill.afterHandOver() == null || !armedKill.compareAndSet(kill, null)) {
                return;
            }
            timer.schedule(() -> {
                if (kill.killed().isDone()) {
                    return; // taken back meanwhile
                }
                if (current == invocation && process.isAlive()) {
                    process.destroyForcibly();
                    kill.killed().complete("killed " + kill.afterHandOver().toMillis() + " ms after the hand-over");
                } else {
                    armedKill.compareAndSet(null, kill); // it ended first: the next invocation's turn
                }
            }, kill.afterHandOver().toMillis(), TimeUnit.MILLISECONDS);
        }

        /** If a kill is armed for an answer: the process dies before the answer counts. */
        private boolean killAtTheAnswer() {
            ArmedKill kill = armedKill.get();
            if (kill == null || kill.afterHandOver() != null || current == null || kill.killed().isDone()
                    || !armedKill.compareAndSet(kill, null)) {
                return false;
            }
            process.destroyForcibly();
            kill.killed().complete("killed as it answered");
            return true;
        }

        private void credentials(HttpExchange exchange) throws IOException {
            try (exchange) {
                String token = exchange.getRequestHeaders().getFirst("Authorization");
                if (accessKey == null || !credentialsToken.equals(token)) {
                    respond(exchange, 403, "{\"message\":\"not this environment's token\"}");
                    return;
                }
                respond(exchange, 200, "{\"AccessKeyId\":\"" + accessKey + "\",\"SecretAccessKey\":\"local\","
                        + "\"Token\":\"local-session\",\"Expiration\":\""
                        + Instant.now().plus(Duration.ofHours(6)).truncatedTo(ChronoUnit.SECONDS) + "\"}");
            }
        }

        private void respond(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
