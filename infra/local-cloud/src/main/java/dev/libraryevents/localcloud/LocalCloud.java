package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.apigateway.ApiGateway;
import dev.libraryevents.localcloud.cloudformation.CloudFormationApi;
import dev.libraryevents.localcloud.cognito.CognitoIdp;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.common.Ports;
import dev.libraryevents.localcloud.common.Threads;
import dev.libraryevents.localcloud.console.Console;
import dev.libraryevents.localcloud.dynamodb.DynamoDbEmulator;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.esm.EventSourceMappings;
import dev.libraryevents.localcloud.events.EventBridgeApi;
import dev.libraryevents.localcloud.events.EventBridgeEmulator;
import dev.libraryevents.localcloud.events.EventPatterns;
import dev.libraryevents.localcloud.hooks.AdminApi;
import dev.libraryevents.localcloud.hooks.Faults;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.kms.KmsEmulator;
import dev.libraryevents.localcloud.lambda.LambdaApi;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.s3.S3Emulator;
import dev.libraryevents.localcloud.sqs.SqsEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The local cloud: runs a synthesized template on this machine without Docker (docs/design.md §6). Every resource comes
 * from the template: DynamoDB Local and ElasticMQ in this JVM, an EventBridge endpoint with the template's rules,
 * each function as child JVMs from its asset jar, the event source mappings, the schedules, and the REST API.
 */
public final class LocalCloud implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DAILY_CRON = Pattern.compile("cron\\((\\d+) (\\d+) \\* \\* \\? \\*\\)");

    static {
        // The JDK's HTTP server (AWS endpoint, API, Runtime API) leaves Nagle's algorithm on: every answer written as
        // headers then body waited for the client's delayed ACK, which made every SDK call from a function several
        // times as slow (docs/performance.md). Must be set before the first server is created.
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

    /** Where every port binds unless {@code --host} says otherwise. */
    public static final String LOOPBACK = Ports.LOOPBACK;

    /** The flags Lambda's Java runtimes start the JVM with for short-lived functions: C1 only, serial GC. */
    public static final List<String> LAMBDA_JVM_OPTIONS = LocalFunction.LAMBDA_JVM_OPTIONS;

    /**
     * A fresh environment's init (JVM start to its first request for work), its first invocation and a warm one.
     *
     * @param invocationMillis the first invocation's duration
     * @param warmMillis       the quicker of the next two, with the same payload
     */
    public record ColdStart(long initMillis, long invocationMillis, long warmMillis, boolean succeeded) {}

    private static final int WARM_INVOCATIONS = 2;

    private static final Duration COLD_START_TIMEOUT = Duration.ofMinutes(1);

    private static final StaticCredentialsProvider ADMINISTRATOR =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("administrator", "administrator"));

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Metering metering = new Metering();
    private final Faults faults = new Faults();
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final EventSourceMappings mappings;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("schedules"));
    private final CloudTemplate template;
    private final Iam iam;
    private final EventBridgeEmulator events;
    private final SqsEmulator sqs;
    private final AwsEndpoint awsEndpoint;
    private final ApiGateway api;
    private final CognitoIdp cognito;
    private final long bootMillis;
    private final String host;
    private final Path dataDirectory;
    private final Path logDirectory;

    private LocalCloud(Options options) throws Exception {
        long started = System.nanoTime();
        try {
            dataDirectory = options.dataDirectory();
            logDirectory = options.logDirectory();
            host = options.host();
            template = CloudTemplate.read(options.template());
            Files.createDirectories(options.logDirectory());
            // Bound first: the other services name it (SQS's queue URLs, the functions' AWS_ENDPOINT_URL).
            awsEndpoint = track(new AwsEndpoint(host, options.awsPort()));

            DynamoDbEmulator dynamoDb = track(new DynamoDbEmulator(options.dataDirectory()));
            dynamoDb.createTables(template);
            template.ofType("AWS::DynamoDB::Table").forEach((id, table) -> {
                Set<String> indexKeys = new HashSet<>();
                table.path("GlobalSecondaryIndexes").forEach(index -> indexKeys.add(
                        index.path("KeySchema").path(0).path("AttributeName").asText()));
                metering.indexKeys(id, indexKeys);
            });
            sqs = track(new SqsEmulator(metering, awsEndpoint.uri()));
            sqs.createQueues(template, options.queueVisibility());
            if (options.dataDirectory() != null) {
                sqs.restore(options.dataDirectory());
            }
            template.attributes((id, attribute) -> switch (attribute) {
                case "StreamArn" -> dynamoDb.streamArn(id);
                case "QueueUrl" -> sqs.queueUrl(id);
                default -> null;
            });
            iam = new Iam(template);

            events = new EventBridgeEmulator(options.dataDirectory(), metering, iam, faults);
            events.loadArchive();
            template.ofType("AWS::Events::EventBus").values().forEach(bus -> events.addBus(bus.path("Name").asText()));
            template.ofType("AWS::Events::Archive").forEach((id, archive) ->
                    events.addArchive(id, template.resolve(archive.path("SourceArn")).replaceAll(".*/", "")));

            for (Map.Entry<String, JsonNode> function : template.ofType("AWS::Lambda::Function").entrySet()) {
                functions.put(function.getKey(), track(function(function.getKey(), function.getValue(), options)));
            }
            rules();
            mappings = new EventSourceMappings(template, iam, functions, sqs, dynamoDb, options.dataDirectory());
            cognito = new CognitoIdp(template, awsEndpoint::uri, iam, options.dataDirectory(), Clock.systemUTC());
            api = track(new ApiGateway(template, functions, iam, cognito, host, options.apiPort()));
            awsEndpoint.serve(new AwsEndpoint.Services(dynamoDb, sqs, new EventBridgeApi(events, iam),
                    new LambdaApi(template, functions, mappings.all(), iam),
                    new CloudFormationApi(template, this::physicalId, this::apiUrl, iam), cognito,
                    new KmsEmulator(template, iam, options.dataDirectory()), s3(template, options.dataDirectory()),
                    new AdminApi(this), iam, metering, faults));
            awsEndpoint.serve(Console.PATH, track(new Console(this)));
        } catch (Exception | Error failed) {
            close(); // what started before the failure (a mapping refused, a port taken) stops again
            throw failed;
        }
        bootMillis = (System.nanoTime() - started) / 1_000_000;
    }

    public static LocalCloud start(Options options) throws Exception {
        return new LocalCloud(options);
    }

    public URI apiUrl() {
        return URI.create("http://" + Ports.reachable(host) + ":" + api.port() + "/");
    }

    public URI awsEndpoint() {
        return awsEndpoint.uri();
    }

    /**
     * An SDK client of this cloud's AWS endpoint, signed as an administrator (any key that is no function's logical
     * id, so no role's policies apply), as the console and the chaos run read and operate the cloud.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C administrator(B builder) {
        return builder.endpointOverride(awsEndpoint()).region(Region.of(CloudTemplate.REGION))
                .credentialsProvider(ADMINISTRATOR).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** The stack's name, as CloudFormation's API answers for it: the template file's name. */
    public String stackName() {
        return template.stackName();
    }

    /** The user pools the API's authorizer trusts: pool id → its app clients' ids (empty without sign-in). */
    public Map<String, List<String>> userPools() {
        return cognito.poolsAndClients();
    }

    /** The user pools themselves, for tests that forge tokens (signed with the pools' key). */
    CognitoIdp cognito() {
        return cognito;
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

    /**
     * Each function with work waiting or running: its invocations waiting and its environments (process, whether
     * busy and for how long). What to look at when {@link #awaitQuiet} does not come.
     */
    public List<String> busyFunctions() {
        return functions.values().stream().filter(LocalFunction::busy).map(LocalFunction::state).toList();
    }

    /** The operator's console (queues, dead letters, functions, the bus, traces, tables, metrics). */
    public URI consoleUrl() {
        return awsEndpoint.uri().resolve(Console.PATH);
    }

    /** What a function has waiting and running now. */
    public String functionState(String name) {
        return functions.get(name).state();
    }

    public Path logDirectory() {
        return logDirectory;
    }

    public EventBridgeEmulator eventBridge() {
        return events;
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
     * How a benchmark starts a function cold: the JVM's flags, another jar for its handler (the same function built
     * from another revision; null for its own), and whether it initializes as a SnapStart version (priming included)
     * or on demand.
     */
    public record ColdStartSetup(List<String> jvmOptions, Path jar, boolean snapStart) {}

    /**
     * Starts a fresh copy of a function (same handler, memory and environment; the jar, JVM flags and
     * initialization {@code setup} says), invokes it once with {@code payload}, then twice more, and stops it. The
     * running function is not disturbed.
     */
    public ColdStart coldStart(String functionLogicalIdPrefix, String payload, ColdStartSetup setup)
            throws Exception {
        LocalFunction function = function(functionLogicalIdPrefix);
        return coldStart(function.copy(function.name() + "-cold", setup.jar() == null ? function.jar() : setup.jar(),
                COLD_START_TIMEOUT, setup.jvmOptions(), Map.of(LocalFunction.INITIALIZATION_TYPE,
                        setup.snapStart() ? LocalFunction.SNAP_START : LocalFunction.ON_DEMAND)), payload);
    }

    /** The same for a handler that is not part of the template, such as a benchmark's do-nothing baseline. */
    public ColdStart coldStart(Path jar, String handler, int memoryMb, String payload, List<String> jvmOptions)
            throws Exception {
        return coldStart(new LocalFunction("Baseline", jar, handler, memoryMb, COLD_START_TIMEOUT, 1,
                environment("Baseline", handler, memoryMb, "JSON"), logDirectory, jvmOptions, null), payload);
    }

    private static ColdStart coldStart(LocalFunction fresh, String payload) throws Exception {
        try (fresh) {
            LocalFunction.Result first = fresh.invoke(payload).get(2, TimeUnit.MINUTES);
            long warm = Long.MAX_VALUE;
            for (int i = 0; i < WARM_INVOCATIONS; i++) {
                warm = Math.min(warm, fresh.invoke(payload).get(2, TimeUnit.MINUTES).millis());
            }
            List<Long> init = fresh.initDurations();
            return new ColdStart(init.isEmpty() ? -1 : init.get(0), first.millis(), warm,
                    first.outcome() == LocalFunction.Outcome.SUCCESS);
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

    /**
     * Disables or enables a function's event source mappings, as UpdateEventSourceMapping does: messages wait in
     * the queue meanwhile. For tests that restart the cloud; the others use Lambda's API.
     */
    public void pauseConsumer(String functionLogicalIdPrefix, boolean paused) {
        mappings.all().stream().filter(m -> m.functionName().startsWith(functionLogicalIdPrefix))
                .forEach(m -> m.update(!paused, null));
    }

    /** The faults this cloud injects when asked to (bin/chaos); none unless asked. */
    public Faults faults() {
        return faults;
    }

    /**
     * Kills (SIGKILL) the environment running one of a function's next invocations, as a crash or Lambda's own end
     * of a sandbox would: {@code afterHandOver} into the invocation, or, if null, as the handler answers (its work
     * done, its answer lost). The invocation fails as {@code Runtime.ExitError}; the next one starts a new
     * environment. Waits at most {@code patience} for an invocation to kill.
     *
     * @return when the kill struck, or empty if no invocation came to kill
     */
    public Optional<String> killAnInvocation(String functionLogicalIdPrefix, Duration afterHandOver,
                                             Duration patience) throws InterruptedException {
        CompletableFuture<String> killed = function(functionLogicalIdPrefix).killAnInvocation(afterHandOver);
        try {
            return Optional.of(killed.get(patience.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            killed.cancel(false);
        }
    }

    /** Every event the bus accepted since the archive began (its replays not included), as delivered. */
    public List<JsonNode> archivedEvents() throws IOException {
        return events.archivedEvents();
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

    /** Runs a schedule rule's targets now, as far as their permissions let the rule invoke them. */
    public int fireSchedule(String ruleLogicalIdPrefix) throws Exception {
        int fired = 0;
        for (EventBridgeEmulator.Rule rule : events.rules()) {
            if (rule.schedule != null && rule.name.startsWith(ruleLogicalIdPrefix)) {
                for (EventBridgeEmulator.Target target : rule.targets) {
                    target.delivery().accept(scheduledEvent(rule));
                    fired++;
                }
            }
        }
        return fired;
    }

    private LocalFunction function(String id, JsonNode properties, Options options) {
        int memoryMb = properties.path("MemorySize").asInt(128);
        String handler = properties.path("Handler").asText();
        Map<String, String> environment = environment(id, handler, memoryMb,
                properties.path("LoggingConfig").path("LogFormat").asText("Text"));
        if (properties.path("SnapStart").path("ApplyOn").asText().equals("PublishedVersions")) {
            // What invoking the stack's alias of a published version does on AWS: init ends with the priming.
            environment.put(LocalFunction.INITIALIZATION_TYPE, LocalFunction.SNAP_START);
            environment.put("AWS_LAMBDA_FUNCTION_VERSION", CloudTemplate.PUBLISHED_VERSION);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        properties.path("Environment").path("Variables").fields()
                .forEachRemaining(variable -> variables.put(variable.getKey(), template.resolve(variable.getValue())));
        metering.function(id, memoryMb);
        int concurrency = properties.has("ReservedConcurrentExecutions")
                ? Math.min(options.concurrency(), properties.path("ReservedConcurrentExecutions").asInt())
                : options.concurrency();
        return new LocalFunction(id, template.assetOf(id), handler, memoryMb,
                Duration.ofSeconds(properties.path("Timeout").asInt(3)), concurrency, environment, variables,
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
        environment.put(LocalFunction.INITIALIZATION_TYPE, LocalFunction.ON_DEMAND);
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        environment.put("AWS_LAMBDA_LOG_FORMAT", logFormat);
        environment.put("_HANDLER", handler);
        environment.put("TZ", ":UTC");
        return environment;
    }

    /**
     * The template's rules and their targets. A queue target is delivered to only if the queue's policy lets this
     * rule send to it, a function target only if a Lambda permission lets the rule invoke it, as on AWS: otherwise
     * the delivery fails (logged, and counted as the rule's failed invocation).
     */
    private void rules() throws Exception {
        for (Map.Entry<String, JsonNode> entry : template.ofType("AWS::Events::Rule").entrySet()) {
            String ruleId = entry.getKey();
            JsonNode properties = entry.getValue();
            String ruleArn = template.getAtt(ruleId, "Arn");
            List<EventBridgeEmulator.Target> targets = new ArrayList<>();
            for (JsonNode target : properties.path("Targets")) {
                String arn = template.resolve(target.path("Arn"));
                String targetId = CloudTemplate.logicalIdOf(target.path("Arn"));
                targets.add(new EventBridgeEmulator.Target(target.path("Id").asText(), arn,
                        switch (template.typeOf(targetId)) {
                            case "AWS::SQS::Queue" -> queueTarget(ruleId, ruleArn, targetId, arn);
                            case "AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias" ->
                                    functionTarget(ruleId, ruleArn, template.functionBehind(targetId), arn);
                            default -> event -> Log.info("rule " + ruleId + ": the local cloud does not deliver to "
                                    + arn);
                        }));
            }
            JsonNode bus = properties.path("EventBusName");
            EventBridgeEmulator.Rule rule = new EventBridgeEmulator.Rule(ruleId,
                    bus.isMissingNode() ? "default" : template.resolve(bus),
                    properties.has("EventPattern") ? properties.path("EventPattern").toString() : null,
                    properties.has("ScheduleExpression") ? properties.path("ScheduleExpression").asText() : null,
                    properties.has("Description") ? properties.path("Description").asText() : null,
                    !properties.path("State").asText("ENABLED").equals("DISABLED"), targets);
            try {
                events.addRule(rule);
            } catch (EventPatterns.InvalidPattern e) { // as CloudFormation fails the rule, and with it the stack
                throw new IllegalStateException("CREATE_FAILED " + ruleId + ": " + e.getMessage(), e);
            }
            Matcher daily = DAILY_CRON.matcher(properties.path("ScheduleExpression").asText(""));
            if (daily.matches()) {
                scheduleDaily(rule, Integer.parseInt(daily.group(2)), Integer.parseInt(daily.group(1)));
            }
        }
    }

    private Consumer<String> queueTarget(String ruleId, String ruleArn, String queueId, String queueArn) {
        String url = sqs.queueUrl(queueId);
        String denial = iam.checkService("events.amazonaws.com", "sqs:SendMessage", queueArn, ruleArn);
        return event -> {
            if (denial != null) {
                metering.add("events.failedInvocations|" + ruleId, 1);
            } else {
                sqs.client().sendMessage(r -> r.queueUrl(url).messageBody(event));
            }
        };
    }

    private Consumer<String> functionTarget(String ruleId, String ruleArn, String functionId, String functionArn) {
        String denial = iam.checkService("events.amazonaws.com", "lambda:InvokeFunction", functionArn, ruleArn);
        return event -> {
            if (denial != null) {
                metering.add("events.failedInvocations|" + ruleId, 1);
                return;
            }
            try {
                LocalFunction.Result result = functions.get(functionId).invoke(event).get();
                if (result.outcome() != LocalFunction.Outcome.SUCCESS) {
                    Log.info("rule " + ruleId + ": " + functionId + " failed: " + result.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                Log.info("rule " + ruleId + ": " + e.getMessage());
            }
        };
    }

    private void scheduleDaily(EventBridgeEmulator.Rule rule, int hour, int minute) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime next = now.withHour(hour).withMinute(minute).withSecond(0).withNano(0);
        if (!next.isAfter(now)) {
            next = next.plusDays(1);
        }
        scheduler.scheduleAtFixedRate(() -> {
            if (rule.enabled) {
                rule.targets.forEach(target -> target.delivery().accept(scheduledEvent(rule)));
            }
        }, Duration.between(now, next).toMillis(), TimeUnit.DAYS.toMillis(1), TimeUnit.MILLISECONDS);
    }

    /** A resource's physical id as CloudFormation reports it (a queue's URL, a mapping's UUID, a rule's name). */
    private String physicalId(String logicalId) {
        return switch (template.typeOf(logicalId)) {
            case "AWS::SQS::Queue" -> sqs.queueUrl(logicalId);
            case "AWS::Lambda::EventSourceMapping" -> mappings.get(logicalId).uuid();
            case "AWS::Events::EventBus" -> template.ref(logicalId);
            case "AWS::Events::Rule" -> {
                EventBridgeEmulator.Rule rule = events.rule(logicalId);
                yield rule.bus.equals("default") ? rule.name : rule.bus + "|" + rule.name;
            }
            case "AWS::ApiGateway::Stage", "AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient",
                 "AWS::Cognito::UserPoolGroup", "AWS::KMS::Key", "AWS::S3::Bucket" -> template.ref(logicalId);
            default -> logicalId;
        };
    }

    private static String scheduledEvent(EventBridgeEmulator.Rule rule) {
        ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "Scheduled Event").put("source", "aws.events")
                .put("account", CloudTemplate.ACCOUNT).put("time", Instant.now().toString())
                .put("region", CloudTemplate.REGION);
        event.putArray("resources").add(rule.arn());
        event.putObject("detail");
        return event.toString();
    }

    /** s3proxy, with the template's buckets. */
    private S3Emulator s3(CloudTemplate template, Path dataDirectory) throws Exception {
        S3Emulator s3 = track(new S3Emulator(dataDirectory, Clock.systemUTC()));
        for (String bucket : template.ofType("AWS::S3::Bucket").keySet()) {
            s3.createBucket(template.ref(bucket));
        }
        return s3;
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() {
        if (mappings != null) {
            mappings.close();
        }
        scheduler.shutdownNow();
        if (dataDirectory != null && sqs != null) {
            try {
                sqs.save(dataDirectory);
            } catch (Exception e) {
                Log.info("could not save queued messages: " + e.getMessage());
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                Log.info("while stopping: " + e.getMessage());
            }
        }
    }

}
