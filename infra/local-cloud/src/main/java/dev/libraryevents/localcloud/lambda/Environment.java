package dev.libraryevents.localcloud.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.libraryevents.localcloud.common.Threads;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One execution environment of a {@link LocalFunction}: a child JVM running AWS's runtime interface client, and the
 * Runtime API endpoint it asks for work, answers on and (for SnapStart) takes its credentials from.
 */
final class Environment {

    /**
     * The runtime interface client copies its native library to one fixed path (/tmp/.libaws-lambda-jni.so) as it
     * starts; two JVMs doing so at once can crash the one that is loading it (SIGBUS). So environments start one
     * at a time across all functions: the next may start once the previous has asked for work (or ended).
     */
    private static final Semaphore STARTING = new Semaphore(1);
    private static final String CREDENTIALS_PATH = "/2018-06-01/credentials";
    /** Lambda allows 10 s of init; a JVM started on a busy two-core machine gets more before it counts as failed. */
    private static final Duration INIT_LIMIT = Duration.ofSeconds(30);

    private final LocalFunction function;

    private HttpServer runtimeApi;
    private final ExecutorService threads;
    private final long startedAt;
    private Process process;
    private volatile boolean initialized;
    private volatile boolean startReleased;
    private volatile LocalFunction.Invocation current;
    private volatile long handedOverAt;
    private volatile boolean stopped;
    private final String credentialsToken = UUID.randomUUID().toString();
    private volatile String accessKey;

    Environment(LocalFunction function) {
        this.function = function;
        threads = Executors.newCachedThreadPool(Threads.daemon(function.name + "-runtime-api"));
        STARTING.acquireUninterruptibly();
        startedAt = System.nanoTime(); // init is measured from the JVM's start, not from the wait for a turn
        try {
            runtimeApi = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            runtimeApi.setExecutor(threads);
            runtimeApi.createContext("/2018-06-01/runtime/", this::handle);
            runtimeApi.createContext(CREDENTIALS_PATH, this::credentials);
            runtimeApi.start();
            Map<String, String> env = function.environment();
            env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + runtimeApi.getAddress().getPort());
            if (LocalFunction.SNAP_START.equals(env.get(LocalFunction.INITIALIZATION_TYPE))) {
                containerCredentials(env);
            }
            ProcessBuilder builder = new ProcessBuilder(function.command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(function.logFile.toFile()));
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
            process.onExit().thenRun(this::exited);
            function.timer.schedule(this::initTimedOut, INIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            stopped = true;
            started();
            if (runtimeApi != null) {
                runtimeApi.stop(0);
            }
            if (process != null) {
                process.destroyForcibly();
            }
            throw new IllegalStateException("could not start an environment for " + function.name + ": " + e, e);
        }
    }

    /**
     * A snapshot would freeze the access key variables, so Lambda sets none in a SnapStart environment: the SDK
     * fetches credentials from a container credentials endpoint instead. This one serves the function's own
     * access key (its logical id, which the local IAM and the function.metering go by) to the bearer of the token.
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

    boolean alive() {
        return process.isAlive();
    }

    boolean runs(LocalFunction.Invocation invocation) {
        return current == invocation;
    }

    boolean idle() {
        return current == null;
    }

    /** Idle and able to ask for work: not ended, nor dead and not yet cleaned up. */
    boolean canTakeWork() {
        return idle() && !stopped && process.isAlive();
    }

    public String state() {
        LocalFunction.Invocation running = current;
        return "pid " + process.pid() + (process.isAlive() ? "" : " dead") + (stopped ? " stopped" : "")
                + (initialized ? "" : " initializing") + (running == null ? " idle"
                : " busy " + (System.nanoTime() - handedOverAt) / 1_000_000 + " ms");
    }

    /** An environment that never asks for work fails the invocation that was waiting for it, and ends. */
    private void initTimedOut() {
        if (!initialized) {
            function.failOneWaiting("{\"errorMessage\":\"init did not finish within " + INIT_LIMIT.toSeconds()
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
        if (function.environments.remove(this)) {
            function.scaleOut();
        }
    }

    private void exited() {
        LocalFunction.Invocation lost = current;
        String error = "{\"errorMessage\":\"Runtime exited with code " + process.exitValue() + "\"}";
        if (lost != null) {
            if (lost.result().complete(new LocalFunction.Result(LocalFunction.Outcome.ERROR, error)) && function.metering != null) {
                function.metering.failed(function.name);
            }
        } else if (!initialized && !stopped) {
            function.failOneWaiting(error); // it crashed in init: the invocation it was started for fails, as in Lambda
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
                LocalFunction.Invocation done = current;
                current = null;
                if (done != null && path.contains(done.requestId())) {
                    long millis = Math.max(1, (System.nanoTime() - handedOverAt + 999_999) / 1_000_000);
                    if (function.metering != null) {
                        function.metering.invoked(function.name, done.records(), millis);
                        if (path.endsWith("/error")) {
                            function.metering.failed(function.name);
                        }
                    }
                    done.result().complete(new LocalFunction.Result(path.endsWith("/response") ? LocalFunction.Outcome.SUCCESS
                            : LocalFunction.Outcome.ERROR, body, millis));
                }
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else if (path.endsWith("/restore/next")) {
                // Lambda would take the snapshot here, after priming; the environment goes on as if restored.
                respond(exchange, 200, "");
            } else if (path.endsWith("/init/error") || path.endsWith("/restore/error")) {
                function.failOneWaiting(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                respond(exchange, 202, "{\"status\":\"OK\"}");
            } else {
                respond(exchange, 404, "{\"errorMessage\":\"unknown runtime path\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        if (!initialized) {
            initialized = true;
            function.initMillis.add((System.nanoTime() - startedAt) / 1_000_000);
            started();
        }
        LocalFunction.Invocation invocation;
        try {
            do {
                invocation = function.pending.take();
            } while (invocation.result().isDone());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (stopped) {
            // This environment ended (reconfigured, timed out) while its runtime waited for work: the
            // invocation goes back to the head of the line, for an environment that will answer it.
            function.pending.addFirst(invocation);
            function.scaleOut();
            return;
        }
        current = invocation;
        handedOverAt = System.nanoTime();
        // As in Lambda, the function's timeout runs from the hand-over: init time is not part of it.
        LocalFunction.Invocation handedOver = invocation;
        function.timer.schedule(() -> function.expire(handedOver), function.timeout.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.currentTimeMillis() + function.timeout.toMillis();
        // The runtime client's native code expects every one of these headers.
        var headers = exchange.getResponseHeaders();
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId());
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", CloudTemplate.arn("lambda", "function:" + function.name));
        headers.set("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                + "-" + invocation.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
        headers.set("Lambda-Runtime-Client-Context", "");
        headers.set("Lambda-Runtime-Cognito-Identity", "");
        respond(exchange, 200, invocation.payload());
        killAfterHandOver(invocation);
    }

    /** If a kill is armed for some time after a hand-over: then, unless the invocation has ended by then. */
    private void killAfterHandOver(LocalFunction.Invocation invocation) {
        LocalFunction.ArmedKill kill = function.armedKill.get();
        if (kill == null || kill.afterHandOver() == null || !function.armedKill.compareAndSet(kill, null)) {
            return;
        }
        function.timer.schedule(() -> {
            if (kill.killed().isDone()) {
                return; // taken back meanwhile
            }
            if (current == invocation && process.isAlive()) {
                process.destroyForcibly();
                kill.killed().complete("killed " + kill.afterHandOver().toMillis() + " ms after the hand-over");
            } else {
                function.armedKill.compareAndSet(null, kill); // it ended first: the next invocation's turn
            }
        }, kill.afterHandOver().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** If a kill is armed for an answer: the process dies before the answer counts. */
    private boolean killAtTheAnswer() {
        LocalFunction.ArmedKill kill = function.armedKill.get();
        if (kill == null || kill.afterHandOver() != null || current == null || kill.killed().isDone()
                || !function.armedKill.compareAndSet(kill, null)) {
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
