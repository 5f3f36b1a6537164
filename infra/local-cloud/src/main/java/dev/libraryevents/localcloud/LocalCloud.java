package dev.libraryevents.localcloud;

import dev.libraryevents.localcloud.apigateway.ApiGateway;
import dev.libraryevents.localcloud.cloudformation.CloudFormationApi;
import dev.libraryevents.localcloud.cognito.CognitoIdp;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.common.Ports;
import dev.libraryevents.localcloud.console.Console;
import dev.libraryevents.localcloud.dynamodb.DynamoDbEmulator;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.endpoint.Gate;
import dev.libraryevents.localcloud.esm.EventSourceMappings;
import dev.libraryevents.localcloud.events.EventBridgeApi;
import dev.libraryevents.localcloud.events.EventBridgeEmulator;
import dev.libraryevents.localcloud.events.TemplateRules;
import dev.libraryevents.localcloud.hooks.AdminApi;
import dev.libraryevents.localcloud.hooks.CloudHooks;
import dev.libraryevents.localcloud.hooks.Faults;
import dev.libraryevents.localcloud.hooks.Hooks;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.kms.KmsEmulator;
import dev.libraryevents.localcloud.lambda.LambdaApi;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.lambda.TemplateFunctions;
import dev.libraryevents.localcloud.s3.S3Emulator;
import dev.libraryevents.localcloud.sqs.SqsEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The local cloud: runs a synthesized template on this machine without Docker (docs/design.md §6). Every resource
 * comes from the template: DynamoDB Local and ElasticMQ in this JVM, an EventBridge endpoint with the template's
 * rules, each function as child JVMs from its asset jar, the event source mappings, the schedules, and the REST API.
 * This class wires the services (one package each) and answers where they are; what benchmarks, chaos and tests
 * may do beyond AWS's APIs is {@link #hooks()}.
 */
public final class LocalCloud implements AutoCloseable {

    static {
        // The JDK's HTTP server (AWS endpoint, API, Runtime API) leaves Nagle's algorithm on: every answer written as
        // headers then body waited for the client's delayed ACK, which made every SDK call from a function several
        // times as slow (docs/performance.md). Must be set before the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // The JDK keeps 5 idle connections per backend; the AWS endpoint forwards from up to 32 threads at once
        // (endpoint/Forwarder), and each connection it could not keep was a new TCP connection to DynamoDB Local.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "64");
        }
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

    private static final StaticCredentialsProvider ADMINISTRATOR =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("administrator", "administrator"));

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Metering metering = new Metering();
    private final Faults faults = new Faults();
    private final CloudTemplate template;
    private final Map<String, LocalFunction> functions;
    private final EventSourceMappings mappings;
    private final EventBridgeEmulator events;
    private final SqsEmulator sqs;
    private final AwsEndpoint awsEndpoint;
    private final ApiGateway api;
    private final CognitoIdp cognito;
    private final Hooks hooks;
    private final long bootMillis;
    private final String host;
    private final Path dataDirectory;

    private LocalCloud(Options options) throws Exception {
        long started = System.nanoTime();
        try {
            dataDirectory = options.dataDirectory();
            host = options.host();
            template = CloudTemplate.read(options.template());
            Files.createDirectories(options.logDirectory());
            // Bound first: the other services name it (SQS's queue URLs, the functions' AWS_ENDPOINT_URL).
            awsEndpoint = track(new AwsEndpoint(host, options.awsPort()));

            DynamoDbEmulator dynamoDb = track(new DynamoDbEmulator(options.dataDirectory()));
            dynamoDb.createTables(template);
            template.ofType("AWS::DynamoDB::Table").forEach((id, table) -> {
                Set<String> tableKeys = new HashSet<>();
                table.path("KeySchema").forEach(key -> tableKeys.add(key.path("AttributeName").asText()));
                List<Metering.Index> indexes = new ArrayList<>();
                table.path("GlobalSecondaryIndexes").forEach(index -> {
                    Set<String> keys = new HashSet<>(tableKeys);
                    index.path("KeySchema").forEach(key -> keys.add(key.path("AttributeName").asText()));
                    indexes.add(new Metering.Index(keys, index.path("KeySchema").path(0).path("AttributeName")
                            .asText(), index.path("Projection").path("ProjectionType").asText().equals("KEYS_ONLY")));
                });
                metering.indexes(id, indexes);
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
            Iam iam = new Iam(template);

            Gate gate = new Gate(iam, faults, metering);
            events = new EventBridgeEmulator(options.dataDirectory(), gate);
            events.loadArchive();
            template.ofType("AWS::Events::EventBus").values().forEach(bus -> events.addBus(bus.path("Name").asText()));
            template.ofType("AWS::Events::Archive").forEach((id, archive) ->
                    events.addArchive(id, template.resolve(archive.path("SourceArn")).replaceAll(".*/", "")));

            TemplateFunctions functionsFromTemplate = new TemplateFunctions(template, awsEndpoint.uri(), metering,
                    options.concurrency(), options.logDirectory());
            functions = functionsFromTemplate.create();
            functions.values().forEach(this::track);
            TemplateRules rules = track(new TemplateRules(template, events, sqs, iam, metering, functions));
            rules.install();
            mappings = new EventSourceMappings(template, iam, functions, sqs, dynamoDb, options.dataDirectory());
            hooks = new CloudHooks(functions, functionsFromTemplate, mappings, events, rules, metering, faults,
                    options.logDirectory(), this::bootMillis);
            cognito = new CognitoIdp(template, awsEndpoint::uri, options.dataDirectory(), Clock.systemUTC());
            api = track(new ApiGateway(template, functions, iam, cognito, host, options.apiPort()));
            awsEndpoint.serve(new AwsEndpoint.Services(dynamoDb, sqs, new EventBridgeApi(events),
                    new LambdaApi(template, functions, mappings.all()),
                    new CloudFormationApi(template, this::physicalId, this::apiUrl), cognito,
                    new KmsEmulator(template, options.dataDirectory()), s3(template, options.dataDirectory()),
                    new AdminApi(hooks), gate));
            awsEndpoint.serve(Console.PATH, track(new Console(this, events)));
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

    /** The operator's console (queues, dead letters, functions, the bus, traces, tables, metrics). */
    public URI consoleUrl() {
        return awsEndpoint.uri().resolve(Console.PATH);
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
    public CognitoIdp cognito() {
        return cognito;
    }

    /** What benchmarks, chaos and tests may do beyond AWS's APIs: meters, waits, cold starts, faults. */
    public Hooks hooks() {
        return hooks;
    }

    private long bootMillis() {
        return bootMillis;
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
