package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local cloud: runs a synthesized template on this machine without Docker (DESIGN §6). Every resource comes
 * from the template: DynamoDB Local and ElasticMQ in this JVM, an EventBridge endpoint with the template's rules,
 * each function as child JVMs from its asset jar, the event source mappings, the schedules, and the REST API.
 */
public final class LocalCloud implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DAILY_CRON = Pattern.compile("cron\\((\\d+) (\\d+) \\* \\* \\? \\*\\)");

    static {
        // The JDK's HTTP server (AWS endpoint, API, Runtime API) leaves Nagle's algorithm on: every answer written as
        // headers then body waited ~40 ms for the client's delayed ACK, so each SDK call from a function took 50 ms
        // instead of 5 (measured by bin/benchmark). Must be set before the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * @param apiPort       0 for any free port
     * @param dataDirectory null to keep everything in memory
     * @param queueVisibility null for the template's visibility timeouts; tests shorten them so that a message
     *                        reaches its DLQ after 3 receives in seconds rather than minutes
     */
    public record Options(Path template, int apiPort, int awsPort, Path dataDirectory, Path logDirectory,
                          int concurrency, Duration queueVisibility, String host) {

        /** On loopback: nothing here is meant for another machine unless the operator says so. */
        public Options(Path template, int apiPort, int awsPort, Path dataDirectory, Path logDirectory,
                       int concurrency, Duration queueVisibility) {
            this(template, apiPort, awsPort, dataDirectory, logDirectory, concurrency, queueVisibility, LOOPBACK);
        }
    }

    /** Where every port binds unless {@code --host} says otherwise; the internal ones (Runtime API, DynamoDB Local,
     * ElasticMQ) always do. */
    public static final String LOOPBACK = "127.0.0.1";

    /** The flags Lambda's Java runtimes start the JVM with for short-lived functions: C1 only, serial GC. */
    public static final List<String> LAMBDA_JVM_OPTIONS = LocalFunction.LAMBDA_JVM_OPTIONS;

    /** A fresh environment's init (JVM start to its first request for work) and its first invocation. */
    public record ColdStart(long initMillis, long invocationMillis, boolean succeeded) {}

    private static final Duration COLD_START_TIMEOUT = Duration.ofMinutes(1);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Metering metering = new Metering();
    private final List<Thread> pollers = new ArrayList<>();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final Map<String, List<SqsPoller>> sqsMappings = new HashMap<>();
    private final Map<String, List<String>> scheduleTargets = new HashMap<>();
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(daemonThreads("schedules"));
    private final EventBridgeEmulator events;
    private final SqsEmulator sqs;
    private final AwsEndpoint awsEndpoint;
    private final ApiGateway api;
    private final long bootMillis;
    private final String host;
    private final Path dataDirectory;
    private final Path logDirectory;

    private LocalCloud(Options options) throws Exception {
        long started = System.nanoTime();
        dataDirectory = options.dataDirectory();
        logDirectory = options.logDirectory();
        CloudTemplate template = CloudTemplate.read(options.template());
        Files.createDirectories(options.logDirectory());

        DynamoDbEmulator dynamoDb = track(new DynamoDbEmulator(options.dataDirectory()));
        dynamoDb.createTables(template);
        template.ofType("AWS::DynamoDB::Table").forEach((id, table) -> {
            Set<String> indexKeys = new HashSet<>();
            table.path("GlobalSecondaryIndexes").forEach(index -> indexKeys.add(
                    index.path("KeySchema").path(0).path("AttributeName").asText()));
            metering.indexKeys(id, indexKeys);
        });
        sqs = track(new SqsEmulator(metering));
        sqs.createQueues(template, options.queueVisibility());
        if (options.dataDirectory() != null) {
            sqs.restore(options.dataDirectory());
        }
        template.attributes((id, attribute) -> switch (attribute) {
            case "StreamArn" -> dynamoDb.streamArn(id);
            case "QueueUrl" -> sqs.queueUrl(id);
            default -> null;
        });

        host = options.host();
        events = new EventBridgeEmulator(options.dataDirectory(), metering, new PutEventsPolicy(template));
        events.loadArchive();
        template.ofType("AWS::Events::Archive").forEach((id, archive) ->
                events.addArchive(id, template.resolve(archive.path("SourceArn")).replaceAll(".*/", "")));
        awsEndpoint = track(new AwsEndpoint(host, options.awsPort(), dynamoDb.endpoint(), sqs.endpoint(),
                events, metering, this::operation));

        for (Map.Entry<String, JsonNode> function : template.ofType("AWS::Lambda::Function").entrySet()) {
            functions.put(function.getKey(), track(function(template, function.getKey(), function.getValue(),
                    options)));
        }
        rules(template);
        mappings(template, dynamoDb);
        api = track(new ApiGateway(template, functions, host, options.apiPort()));
        bootMillis = (System.nanoTime() - started) / 1_000_000;
    }

    public static LocalCloud start(Options options) throws Exception {
        return new LocalCloud(options);
    }

    public URI apiUrl() {
        return URI.create("http://" + reachable(host) + ":" + api.port() + "/");
    }

    /** The address to call a server bound to {@code host} at: a wildcard binding answers on loopback too. */
    static String reachable(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? LOOPBACK
                : host.contains(":") ? "[" + host + "]" : host;
    }

    public URI awsEndpoint() {
        return awsEndpoint.uri();
    }

    public long bootMillis() {
        return bootMillis;
    }

    /** Init durations in milliseconds of every environment started so far, by function. */
    public Map<String, List<Long>> initDurations() {
        Map<String, List<Long>> durations = new LinkedHashMap<>();
        functions.forEach((name, function) -> durations.put(name, function.initDurations()));
        return durations;
    }

    /** The counters a bill is made of: requests, capacity units, invocations and their durations. */
    public Metering metering() {
        return metering;
    }

    /** The functions' logical ids, in template order. */
    public List<String> functionNames() {
        return List.copyOf(functions.keySet());
    }

    /** The jar a function runs from (its asset in the cloud assembly). */
    public Path jarOf(String functionLogicalIdPrefix) {
        return function(functionLogicalIdPrefix).jar();
    }

    /** The payload a function was first invoked with, null if it has not been invoked. */
    public String firstPayload(String functionLogicalIdPrefix) {
        return function(functionLogicalIdPrefix).firstPayload();
    }

    /**
     * Starts a fresh copy of a function (same jar, handler, memory and environment, the given JVM flags), invokes
     * it once with {@code payload}, and stops it. The running function is not disturbed.
     */
    public ColdStart coldStart(String functionLogicalIdPrefix, String payload, List<String> jvmOptions)
            throws Exception {
        LocalFunction function = function(functionLogicalIdPrefix);
        return coldStart(function.copy(function.name() + "-cold", COLD_START_TIMEOUT, jvmOptions), payload);
    }

    /** The same for a handler that is not part of the template, such as a benchmark's do-nothing baseline. */
    public ColdStart coldStart(Path jar, String handler, int memoryMb, String payload, List<String> jvmOptions)
            throws Exception {
        return coldStart(new LocalFunction("Baseline", jar, handler, memoryMb, COLD_START_TIMEOUT, 1,
                environment("Baseline", handler, memoryMb, "JSON"), logDirectory, jvmOptions, null), payload);
    }

    private static ColdStart coldStart(LocalFunction fresh, String payload) throws Exception {
        try (fresh) {
            LocalFunction.Result result = fresh.invoke(payload).get(2, TimeUnit.MINUTES);
            List<Long> init = fresh.initDurations();
            return new ColdStart(init.isEmpty() ? -1 : init.get(0), result.millis(),
                    result.outcome() == LocalFunction.Outcome.SUCCESS);
        }
    }

    /**
     * Waits until no function has had work for {@code quiet}: everything sent has been carried as far as it goes.
     *
     * @return false if that did not happen within {@code limit}
     */
    public boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            long idle = System.nanoTime() - metering.lastInvocationNanos();
            boolean busy = functions.values().stream().anyMatch(LocalFunction::busy);
            if (!busy && idle >= quiet.toNanos()) {
                return true;
            }
            Thread.sleep(busy ? 20 : Math.max(1, (quiet.toNanos() - idle) / 1_000_000));
        }
        return false;
    }

    /** Bytes the functions have logged so far (what CloudWatch Logs would ingest), by function. */
    public Map<String, Long> logBytes() throws IOException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String function : functions.keySet()) {
            Path log = logDirectory.resolve(function + ".log");
            bytes.put(function, Files.exists(log) ? Files.size(log) : 0L);
        }
        return bytes;
    }

    /** Stops or resumes delivery from the queues a function consumes: its messages wait meanwhile. */
    public void pauseConsumer(String functionLogicalIdPrefix, boolean paused) {
        sqsMappings.forEach((function, pollersOfFunction) -> {
            if (function.startsWith(functionLogicalIdPrefix)) {
                pollersOfFunction.forEach(poller -> poller.pause(paused));
            }
        });
    }

    public String functionEnvironment(String functionLogicalIdPrefix, String name) {
        return function(functionLogicalIdPrefix).environment(name);
    }

    /** Reconfigures a function, as a deployment would: its running environments end, new ones see the value. */
    public void functionEnvironment(String functionLogicalIdPrefix, String name, String value) {
        function(functionLogicalIdPrefix).environment(name, value);
    }

    /** What the bus accepted for one correlation id: the event types, in the order they arrived. */
    public List<String> eventsOf(String correlationId) throws IOException {
        return events.archivedTypes(correlationId);
    }

    /** The bus's count of accepted entries since start. */
    public long eventsPut() {
        return events.putEntries();
    }

    private LocalFunction function(String logicalIdPrefix) {
        return functions.entrySet().stream().filter(f -> f.getKey().startsWith(logicalIdPrefix)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + logicalIdPrefix + "*")).getValue();
    }

    /** Runs a schedule rule's targets now. */
    public int fireSchedule(String ruleLogicalIdPrefix) throws Exception {
        int fired = 0;
        for (Map.Entry<String, List<String>> rule : scheduleTargets.entrySet()) {
            if (rule.getKey().startsWith(ruleLogicalIdPrefix)) {
                for (String target : rule.getValue()) {
                    functions.get(target).invoke(scheduledEvent(rule.getKey())).get();
                    fired++;
                }
            }
        }
        return fired;
    }

    public int replay(Instant from, Instant to) throws Exception {
        return events.replay(from, to);
    }

    private LocalFunction function(CloudTemplate template, String id, JsonNode properties, Options options) {
        int memoryMb = properties.path("MemorySize").asInt(128);
        String handler = properties.path("Handler").asText();
        Map<String, String> environment = environment(id, handler, memoryMb,
                properties.path("LoggingConfig").path("LogFormat").asText("Text"));
        properties.path("Environment").path("Variables").fields()
                .forEachRemaining(variable -> environment.put(variable.getKey(),
                        template.resolve(variable.getValue())));
        metering.function(id, memoryMb);
        int concurrency = properties.has("ReservedConcurrentExecutions")
                ? Math.min(options.concurrency(), properties.path("ReservedConcurrentExecutions").asInt())
                : options.concurrency();
        return new LocalFunction(id, template.assetOf(id), handler, memoryMb,
                Duration.ofSeconds(properties.path("Timeout").asInt(3)), concurrency, environment,
                options.logDirectory(), LAMBDA_JVM_OPTIONS, metering);
    }

    /** What Lambda sets for every function. Each calls with its logical id as access key, which the metering uses. */
    private Map<String, String> environment(String id, String handler, int memoryMb, String logFormat) {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("AWS_REGION", CloudTemplate.REGION);
        environment.put("AWS_DEFAULT_REGION", CloudTemplate.REGION);
        environment.put("AWS_ACCESS_KEY_ID", id);
        environment.put("AWS_SECRET_ACCESS_KEY", "local");
        environment.put("AWS_ENDPOINT_URL", awsEndpoint.uri().toString());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", id);
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        environment.put("AWS_LAMBDA_LOG_FORMAT", logFormat);
        environment.put("_HANDLER", handler);
        environment.put("TZ", ":UTC");
        return environment;
    }

    private void rules(CloudTemplate template) throws Exception {
        for (Map.Entry<String, JsonNode> rule : template.ofType("AWS::Events::Rule").entrySet()) {
            JsonNode properties = rule.getValue();
            if (properties.has("EventPattern")) {
                List<EventBridgeEmulator.Target> targets = new ArrayList<>();
                for (JsonNode target : properties.path("Targets")) {
                    String queue = CloudTemplate.logicalIdOf(target.path("Arn"));
                    if (template.typeOf(queue).equals("AWS::SQS::Queue")) {
                        String url = sqs.queueUrl(queue);
                        targets.add(event -> sqs.client().sendMessage(r -> r.queueUrl(url).messageBody(event)));
                    }
                }
                String bus = properties.has("EventBusName") ? template.resolve(properties.path("EventBusName"))
                        : "default";
                events.addRule(bus, rule.getKey(), properties.path("EventPattern").toString(), targets);
            }
            Matcher daily = DAILY_CRON.matcher(properties.path("ScheduleExpression").asText(""));
            if (daily.matches()) {
                List<String> targets = new ArrayList<>();
                properties.path("Targets").forEach(t -> targets.add(CloudTemplate.logicalIdOf(t.path("Arn"))));
                scheduleTargets.put(rule.getKey(), targets);
                scheduleDaily(rule.getKey(), Integer.parseInt(daily.group(2)), Integer.parseInt(daily.group(1)));
            }
        }
    }

    private void scheduleDaily(String ruleId, int hour, int minute) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime next = now.withHour(hour).withMinute(minute).withSecond(0).withNano(0);
        if (!next.isAfter(now)) {
            next = next.plusDays(1);
        }
        scheduler.scheduleAtFixedRate(() -> {
            try {
                fireSchedule(ruleId);
            } catch (Exception e) {
                log("schedule " + ruleId + ": " + e.getMessage());
            }
        }, Duration.between(now, next).toMillis(), TimeUnit.DAYS.toMillis(1), TimeUnit.MILLISECONDS);
    }

    private void mappings(CloudTemplate template, DynamoDbEmulator dynamoDb) throws Exception {
        for (JsonNode mapping : template.ofType("AWS::Lambda::EventSourceMapping").values()) {
            String functionId = mapping.path("FunctionName").path("Ref").asText();
            LocalFunction function = functions.get(functionId);
            String source = CloudTemplate.logicalIdOf(mapping.path("EventSourceArn"));
            boolean itemFailures = mapping.path("FunctionResponseTypes").toString()
                    .contains("ReportBatchItemFailures");
            Runnable poller;
            int threads = 1; // a stream shard is read by one poller, in order
            if (template.typeOf(source).equals("AWS::SQS::Queue")) {
                // Lambda polls a queue with several batches at once (five to start with), up to the function's
                // concurrency or the mapping's MaximumConcurrency: one batch at a time would make a consumer
                // whose writes take a while fall behind, which it would not on AWS.
                threads = mapping.path("ScalingConfig").path("MaximumConcurrency")
                        .asInt(function.maxConcurrency());
                threads = Math.max(1, Math.min(threads, function.maxConcurrency()));
                SqsPoller sqsPoller = new SqsPoller(sqs.client(), sqs.queueUrl(source),
                        template.getAtt(source, "Arn"), function, mapping.path("BatchSize").asInt(10),
                        mapping.path("MaximumBatchingWindowInSeconds").asInt(0), itemFailures);
                sqsMappings.computeIfAbsent(functionId, k -> new ArrayList<>()).add(sqsPoller);
                poller = sqsPoller;
            } else {
                List<String> filters = new ArrayList<>();
                mapping.path("FilterCriteria").path("Filters").forEach(f -> filters.add(f.path("Pattern").asText()));
                JsonNode destination = mapping.path("DestinationConfig").path("OnFailure").path("Destination");
                String onFailure = destination.isMissingNode() ? null
                        : sqs.queueUrl(CloudTemplate.logicalIdOf(destination));
                poller = new StreamPoller(dynamoDb.streams(), dynamoDb.streamArn(source), function,
                        mapping.path("BatchSize").asInt(100), mapping.path("MaximumRetryAttempts").asInt(3),
                        filters, sqs.client(), onFailure, dataDirectory == null ? null
                                : dataDirectory.resolve("streams").resolve(functionId + ".json"));
            }
            for (int i = 0; i < threads; i++) {
                Thread thread = new Thread(poller, "mapping-" + functionId + "-" + i);
                thread.setDaemon(true);
                thread.start();
                pollers.add(thread);
            }
        }
    }

    /** The local cloud's own operations, under /_localcloud/ on the AWS endpoint. */
    private void operation(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring("/_localcloud/".length());
            String query = exchange.getRequestURI().getQuery();
            ObjectNode answer = JSON.createObjectNode();
            if (path.equals("functions")) {
                ArrayNode list = answer.putArray("functions");
                initDurations().forEach((name, durations) -> {
                    ArrayNode init = list.addObject().put("name", name).putArray("initDurationsMs");
                    durations.forEach(init::add);
                });
                answer.put("bootMillis", bootMillis);
                answer.put("eventsPut", events.putEntries());
            } else if (path.equals("metering")) {
                ObjectNode counters = answer.putObject("counters");
                metering.snapshot().forEach(counters::put);
                ObjectNode memory = answer.putObject("memoryMb");
                metering.memoryMb().forEach(memory::put);
            } else if (path.startsWith("schedules/") && path.endsWith("/fire")) {
                answer.put("fired", fireSchedule(path.substring("schedules/".length(), path.length() - 5)));
            } else if (path.equals("replay") && query != null) {
                Map<String, String> parameters = new HashMap<>();
                for (String pair : query.split("&")) {
                    String[] kv = pair.split("=", 2);
                    parameters.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                answer.put("replayed", replay(Instant.parse(parameters.get("from")),
                        Instant.parse(parameters.get("to"))));
            } else if (path.startsWith("consumers/")) {
                String[] parts = path.split("/");
                pauseConsumer(parts[1], parts.length > 2 && parts[2].equals("pause"));
                answer.put("paused", parts.length > 2 && parts[2].equals("pause"));
            } else {
                AwsEndpoint.respond(exchange, 404, "{\"message\":\"unknown local cloud operation\"}");
                return;
            }
            AwsEndpoint.respond(exchange, 200, answer.toString());
        } catch (Exception e) {
            AwsEndpoint.respond(exchange, 400, JSON.createObjectNode().put("message", String.valueOf(e.getMessage()))
                    .toString());
        }
    }

    private static String scheduledEvent(String ruleId) {
        ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "Scheduled Event").put("source", "aws.events")
                .put("account", CloudTemplate.ACCOUNT).put("time", Instant.now().toString())
                .put("region", CloudTemplate.REGION);
        event.putArray("resources").add(CloudTemplate.arn("events", "rule/" + ruleId));
        event.putObject("detail");
        return event.toString();
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() {
        pollers.forEach(Thread::interrupt);
        for (Thread poller : pollers) {
            try {
                poller.join(TimeUnit.SECONDS.toMillis(35));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        scheduler.shutdownNow();
        if (dataDirectory != null) {
            try {
                sqs.save(dataDirectory);
            } catch (Exception e) {
                log("could not save queued messages: " + e.getMessage());
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log("while stopping: " + e.getMessage());
            }
        }
    }

    /** Threads that never keep the JVM alive on their own: stopping is close()'s job. */
    static ThreadFactory daemonThreads(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    static void log(String message) {
        System.err.println("[local-cloud] " + message);
    }
}
