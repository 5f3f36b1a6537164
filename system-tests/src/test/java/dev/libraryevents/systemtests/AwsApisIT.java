package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.hooks.Faults;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS APIs the local cloud answers on its one endpoint, called with AWS's own SDK clients as any tool would:
 * Lambda, EventBridge's management, CloudFormation, SQS's queue URLs, and each protocol's unknown operation. The
 * fault scenarios use the rest (UpdateFunctionConfiguration, UpdateEventSourceMapping, StartReplay and
 * DescribeReplay, DescribeStacks, ListStackResources). The faults a chaos run injects ({@link Faults}) come back
 * in AWS's words too.
 */
class AwsApisIT {

    @RegisterExtension
    static final RunningLocalCloud CLOUD = RunningLocalCloud.started();

    private static LocalCloud cloud;
    private static Deployment deployment;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void connect() {
        cloud = CLOUD.cloud();
        deployment = CLOUD.deployment();
    }

    @Test
    void shouldThrottleOneFunctionsDynamoDbRequests_asDynamoDbWould_whileOthersGoOn() {
        String function = cloud.hooks().functionNames().stream().filter(name -> name.startsWith("LibraryApi")).findFirst()
                .orElseThrow();
        try (DynamoDbClient asFunction = dynamoDb(function); DynamoDbClient asAdministrator = dynamoDb("admin")) {
            String table = asAdministrator.listTables().tableNames().stream()
                    .filter(name -> name.startsWith("LibraryTable")).findFirst().orElseThrow();
            long before = cloud.hooks().faults().throttledRequests();
            cloud.hooks().faults().throttleDynamoDb(function, Duration.ofMinutes(1));
            try {
                assertThatThrownBy(() -> asFunction.getItem(r -> r.tableName(table)
                        .key(Map.of("pk", AttributeValue.fromS("BOOK#x"), "sk", AttributeValue.fromS("BOOK")))))
                        .isInstanceOfSatisfying(ProvisionedThroughputExceededException.class, e ->
                                assertThat(e.isThrottlingException()).isTrue());
                assertThat(asAdministrator.getItem(r -> r.tableName(table).key(Map.of("pk",
                        AttributeValue.fromS("BOOK#x"), "sk", AttributeValue.fromS("BOOK")))).hasItem()).isFalse();
                assertThat(cloud.hooks().faults().throttledRequests()).isEqualTo(before + 1);
            } finally {
                cloud.hooks().faults().clear();
            }
            assertThat(asFunction.getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS("BOOK#x"),
                    "sk", AttributeValue.fromS("BOOK")))).hasItem()).as("throttling over").isFalse();
        }
    }

    @Test
    void shouldFailPutEventsEntries_asTheBusMayNowAndThen() {
        cloud.hooks().faults().failPutEvents(1.0, Duration.ofMinutes(1));
        try {
            var failed = deployment.eventBridge.putEvents(r -> r.entries(e -> e.eventBusName(deployment.busName())
                    .source("chaos.test").detailType("Failing").detail("{}")));
            assertThat(failed.failedEntryCount()).isEqualTo(1);
            assertThat(failed.entries().get(0).errorCode()).isEqualTo("InternalFailure");
        } finally {
            cloud.hooks().faults().clear();
        }
        assertThat(deployment.eventBridge.putEvents(r -> r.entries(e -> e.eventBusName(deployment.busName())
                .source("chaos.test").detailType("Passing").detail("{}"))).failedEntryCount()).isZero();
    }

    /** A DynamoDB client signing as {@code accessKey}: a function's logical id makes it that function's call. */
    private static DynamoDbClient dynamoDb(String accessKey) {
        return DynamoDbClient.builder().endpointOverride(cloud.awsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "x")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Test
    void shouldWrapAndUnwrapDataKeys_withTheTemplatesKey_underEachCallersRole() {
        String keyId = deployment.physicalIds("AWS::KMS::Key").stream().findFirst().orElseThrow();
        try (KmsClient admin = kms("admin"); KmsClient analytics = kms(function("AnalyticsApi"));
             KmsClient library = kms(function("LibraryApi"))) {
            var key = library.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)
                    .encryptionContext(Map.of("userId", "u-1")));

            assertThat(key.plaintext().asByteArray()).hasSize(32);
            assertThat(admin.decrypt(r -> r.ciphertextBlob(key.ciphertextBlob())
                    .encryptionContext(Map.of("userId", "u-1"))).plaintext()).isEqualTo(key.plaintext());
            assertThatThrownBy(() -> admin.decrypt(r -> r.ciphertextBlob(key.ciphertextBlob())
                    .encryptionContext(Map.of("userId", "u-2")))).isInstanceOf(InvalidCiphertextException.class);
            assertThatThrownBy(() -> analytics.decrypt(r -> r.ciphertextBlob(key.ciphertextBlob())
                    .encryptionContext(Map.of("userId", "u-1")))).isInstanceOf(KmsException.class)
                    .hasMessageContaining("is not authorized to perform: kms:Decrypt");
            assertThat(admin.describeKey(r -> r.keyId(keyId)).keyMetadata().arn()).isEqualTo(key.keyId());
        }
    }

    @Test
    void shouldStoreObjectsInTheTemplatesBucket_andServeThemThroughPresignedLinksUntilTheyExpire() throws Exception {
        String bucket = deployment.physicalIds("AWS::S3::Bucket").stream().findFirst().orElseThrow();
        try (S3Client s3 = S3Client.builder().endpointOverride(cloud.awsEndpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("admin", "x")))
                .build()) {
            // The SDK's default upload (aws-chunked, with a trailing checksum), as any client sends it.
            s3.putObject(r -> r.bucket(bucket).key("exports/it.json").contentType("application/json"),
                    RequestBody.fromString("{\"it\":true}"));
            assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("exports/it.json")).asUtf8String())
                    .isEqualTo("{\"it\":true}");
        }

        HttpResponse<String> valid = HTTP.send(HttpRequest.newBuilder(presigned(bucket, "admin", Duration.ofMinutes(15)))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> expired = HTTP.send(HttpRequest.newBuilder(presigned(bucket, "admin",
                Duration.ofSeconds(1), Instant.now().minusSeconds(60))).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> notGranted = HTTP.send(HttpRequest.newBuilder(presigned(bucket,
                function("AnalyticsApi"), Duration.ofMinutes(15))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(valid.body()).isEqualTo("{\"it\":true}");
        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.body()).contains("<Code>AccessDenied</Code>").contains("Request has expired");
        assertThat(notGranted.statusCode()).as("a link is worth what its signer's role grants").isEqualTo(403);
    }

    private static URI presigned(String bucket, String accessKey, Duration validity) {
        return presigned(bucket, accessKey, validity, Instant.now());
    }

    /** A presigned GET of the IT's object, signed at {@code signedAt} with the access key of {@code accessKey}. */
    private static URI presigned(String bucket, String accessKey, Duration validity, Instant signedAt) {
        try (S3Presigner presigner = S3Presigner.builder().endpointOverride(cloud.awsEndpoint())
                .region(Region.US_EAST_1)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "x")))
                .build()) {
            var request = presigner.presignGetObject(r -> r.signatureDuration(validity)
                    .getObjectRequest(g -> g.bucket(bucket).key("exports/it.json")));
            URI uri = URI.create(request.url().toString());
            if (signedAt.isBefore(Instant.now().minusSeconds(5))) {
                String date = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                        .format(signedAt);
                uri = URI.create(uri.toString().replaceAll("X-Amz-Date=[0-9TZ]+", "X-Amz-Date=" + date));
            }
            return uri;
        }
    }

    private static String function(String prefix) {
        return cloud.hooks().functionNames().stream().filter(name -> name.startsWith(prefix)).findFirst().orElseThrow();
    }

    private static KmsClient kms(String accessKey) {
        return KmsClient.builder().endpointOverride(cloud.awsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "x")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @Test
    void shouldListAndDescribeFunctions_asLambdaDoes() {
        List<FunctionConfiguration> functions = deployment.lambda.listFunctions().functions();
        assertThat(functions).hasSize(14).extracting(FunctionConfiguration::functionName)
                .anyMatch(name -> name.startsWith("LibraryApi"));
        String library = deployment.function("LibraryApi");
        var configuration = deployment.lambda.getFunctionConfiguration(r -> r.functionName(library));
        assertThat(configuration.handler()).isEqualTo("dev.libraryevents.library.LibraryApiHandler");
        assertThat(configuration.memorySize()).isEqualTo(1024);
        assertThat(configuration.role()).startsWith("arn:aws:iam::000000000000:role/LibraryApiServiceRole");
        assertThat(configuration.environment().variables()).containsOnlyKeys("TABLE_NAME", "KEY_TABLE", "DATA_KEY_ID",
                "EXPORT_BUCKET", "HOLD_PICKUP_WINDOW");
        assertThat(deployment.lambda.getFunction(r -> r.functionName(configuration.functionArn())).configuration()
                .functionName()).isEqualTo(library);
        assertThatThrownBy(() -> deployment.lambda.getFunction(r -> r.functionName("NoSuchFunction")))
                .isInstanceOf(software.amazon.awssdk.services.lambda.model.ResourceNotFoundException.class);
    }

    @Test
    void shouldUpdateAFunctionsTimeoutAndMemory_andRefuseImpossibleValues() {
        String analytics = deployment.function("AnalyticsApi");
        var updated = deployment.lambda.updateFunctionConfiguration(r -> r.functionName(analytics).timeout(20)
                .memorySize(512));
        assertThat(updated.timeout()).isEqualTo(20);
        assertThat(updated.memorySize()).isEqualTo(512);
        assertThat(updated.environment().variables()).as("what the update does not name stays")
                .containsKey("TABLE_NAME");
        assertThatThrownBy(() -> deployment.lambda.updateFunctionConfiguration(r -> r.functionName(analytics)
                .timeout(0))).isInstanceOf(InvalidParameterValueException.class);
    }

    @Test
    void shouldChangeAMappingsBatchSize_butNotAboveTenWithoutABatchingWindow() {
        String consumer = deployment.function("AnalyticsConsumerFunction");
        var mapping = deployment.lambda.listEventSourceMappings(r -> r.functionName(consumer)).eventSourceMappings()
                .get(0);
        assertThat(mapping.batchSize()).isEqualTo(100);
        assertThat(mapping.maximumBatchingWindowInSeconds()).isEqualTo(1);
        try {
            assertThat(deployment.lambda.updateEventSourceMapping(r -> r.uuid(mapping.uuid()).batchSize(5))
                    .batchSize()).isEqualTo(5);
            assertThat(deployment.lambda.getEventSourceMapping(r -> r.uuid(mapping.uuid())).batchSize()).isEqualTo(5);
        } finally {
            deployment.lambda.updateEventSourceMapping(r -> r.uuid(mapping.uuid()).batchSize(mapping.batchSize()));
        }
        String audit = deployment.lambda.listEventSourceMappings(r -> r.functionName(
                deployment.function("AuditConsumerFunction"))).eventSourceMappings().get(0).uuid();
        assertThatThrownBy(() -> deployment.lambda.updateEventSourceMapping(r -> r.uuid(audit).batchSize(11)))
                .isInstanceOf(InvalidParameterValueException.class)
                .hasMessageContaining("batch window");
    }

    @Test
    void shouldInvokeAFunction_synchronouslyAsAnEventOrAsADryRun() {
        String library = deployment.function("LibraryApi");
        // A proxy event as the gateway sends it after its authorizer: the caller's claims in the request context.
        String request = "{\"httpMethod\":\"GET\",\"path\":\"/books/x\",\"resource\":\"/books/{bookId}\","
                + "\"pathParameters\":{\"bookId\":\"x\"},\"headers\":{},\"requestContext\":{\"authorizer\":"
                + "{\"claims\":{\"sub\":\"it-member\",\"email\":\"it@example.org\"}}}}";
        InvokeResponse answered = deployment.lambda.invoke(r -> r.functionName(library)
                .payload(SdkBytes.fromUtf8String(request)));
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.functionError()).isNull();
        assertThat(answered.payload().asUtf8String()).contains("\"statusCode\":404");
        // Without them (invoked around the gateway), the function refuses by itself.
        assertThat(deployment.lambda.invoke(r -> r.functionName(library).payload(SdkBytes.fromUtf8String(
                request.replaceAll(",\"requestContext\".*}$", "}")))).payload().asUtf8String())
                .contains("\"statusCode\":401");

        assertThat(deployment.lambda.invoke(r -> r.functionName(library).invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String(request))).statusCode()).isEqualTo(202);
        assertThat(deployment.lambda.invoke(r -> r.functionName(library).invocationType(InvocationType.DRY_RUN))
                .statusCode()).isEqualTo(204);

        InvokeResponse failed = deployment.lambda.invoke(r -> r.functionName(deployment.function("AuditConsumer"))
                .payload(SdkBytes.fromUtf8String("\"not an SQS event\"")));
        assertThat(failed.functionError()).isEqualTo("Unhandled");
    }

    @Test
    void shouldShowEventSourceMappings_byFunction() {
        String consumer = deployment.function("NotificationConsumerFunction");
        var mappings = deployment.lambda.listEventSourceMappings(r -> r.functionName(consumer)).eventSourceMappings();
        assertThat(mappings).singleElement().satisfies(mapping -> {
            assertThat(mapping.eventSourceArn()).endsWith(":NotificationConsumerQueue767B7A26");
            assertThat(mapping.batchSize()).isEqualTo(10);
            assertThat(mapping.state()).isEqualTo("Enabled");
            assertThat(deployment.lambda.getEventSourceMapping(r -> r.uuid(mapping.uuid())).functionArn())
                    .endsWith(":function:" + consumer);
        });
        assertThat(deployment.lambda.listEventSourceMappings().eventSourceMappings()).hasSize(8);
    }

    @Test
    void shouldListDescribeAndSwitchRules_onTheTemplatesBus() throws Exception {
        String bus = deployment.busName();
        assertThat(deployment.eventBridge.listEventBuses(r -> {}).eventBuses())
                .extracting(b -> b.name()).containsExactly("default", bus);
        List<Rule> rules = deployment.eventBridge.listRules(r -> r.eventBusName(bus)).rules();
        assertThat(rules).hasSize(4).allSatisfy(rule -> assertThat(rule.state()).isEqualTo(RuleState.ENABLED));
        String audit = rules.stream().map(Rule::name).filter(n -> n.startsWith("AuditConsumerRule")).findFirst()
                .orElseThrow();
        assertThat(deployment.eventBridge.listTargetsByRule(r -> r.rule(audit).eventBusName(bus)).targets())
                .singleElement().satisfies(target -> assertThat(target.arn()).contains(":AuditConsumerQueue"));

        deployment.eventBridge.disableRule(r -> r.name(audit).eventBusName(bus));
        assertThat(deployment.eventBridge.describeRule(r -> r.name(audit).eventBusName(bus)).state())
                .isEqualTo(RuleState.DISABLED);
        deployment.eventBridge.enableRule(r -> r.name(audit).eventBusName(bus));
        assertThat(deployment.eventBridge.describeRule(r -> r.name(audit).eventBusName(bus)).state())
                .isEqualTo(RuleState.ENABLED);
        assertThat(deployment.eventBridge.listRules(r -> {}).rules()).extracting(Rule::name)
                .anyMatch(name -> name.startsWith("DailyReminders"));
        assertThatThrownBy(() -> deployment.eventBridge.describeRule(r -> r.name("NoSuchRule").eventBusName(bus)))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void shouldTestEventPatterns_withTheRulesOwnMatcher() {
        String event = "{\"id\":\"1\",\"source\":\"library.service\",\"detail-type\":\"BookAdded\","
                + "\"account\":\"000000000000\",\"time\":\"2026-11-23T10:00:00Z\",\"region\":\"us-east-1\","
                + "\"resources\":[],\"detail\":{}}";
        assertThat(deployment.eventBridge.testEventPattern(r -> r.event(event)
                .eventPattern("{\"detail-type\":[{\"anything-but\":[\"AuditLogged\"]}]}")).result()).isTrue();
        assertThat(deployment.eventBridge.testEventPattern(r -> r.event(event)
                .eventPattern("{\"source\":[\"audit.service\"]}")).result()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"source\":\"library.service\"}", "{\"source\":[{\"wildcard\":\"lib**\"}]}",
            "{\"source\":[{\"nosuchoperator\":1}]}", "not json",
            "{\"source\":[{\"wildcard\":\"" + "*a*a*a*a*a*a*a*a*a*a" + "*a*a*a*a*a*a*a*a*a*a" + "*a*a*a*a*a*a*a*a*a*a"
                    + "*a*a*a*a*a*a*a*a*a*a" + "*a*a*a*a*a*a*a*a*a*a" + "*a*a*a*a*a*a*a*a*a*a" + "*\"}]}"})
    void shouldRefuseInvalidPatterns_asEventBridgeDoes(String pattern) {
        String event = "{\"id\":\"1\",\"source\":\"library.service\",\"detail-type\":\"BookAdded\","
                + "\"account\":\"000000000000\",\"time\":\"2026-11-23T10:00:00Z\",\"region\":\"us-east-1\","
                + "\"resources\":[],\"detail\":{}}";
        assertThatThrownBy(() -> deployment.eventBridge.testEventPattern(r -> r.event(event).eventPattern(pattern)))
                .isInstanceOf(InvalidEventPatternException.class)
                .hasMessageContaining("Event pattern is not valid");
    }

    @Test
    void shouldDescribeTheArchive_andListReplays() {
        var archive = deployment.eventBridge.listArchives(r -> {}).archives().get(0);
        assertThat(archive.eventSourceArn()).endsWith(":event-bus/" + deployment.busName());
        assertThat(deployment.eventBridge.describeArchive(r -> r.archiveName(archive.archiveName())).archiveArn())
                .endsWith(":archive/" + archive.archiveName());
        String replayArn = deployment.deadLetters.replay(deployment.busName(), Instant.now().minusSeconds(60),
                Instant.now());
        assertThat(deployment.eventBridge.listReplays(r -> {}).replays())
                .anySatisfy(replay -> assertThat(replayArn).endsWith("/" + replay.replayName()));
    }

    @Test
    void shouldDescribeTheStacksResources_logicalToPhysical() {
        String library = deployment.function("LibraryApi");
        String logicalId = deployment.cloudFormation.listStackResources(r -> r.stackName("LibraryEvents"))
                .stackResourceSummaries().stream().filter(s -> library.equals(s.physicalResourceId())).findFirst()
                .orElseThrow().logicalResourceId();
        assertThat(deployment.cloudFormation.describeStackResource(r -> r.stackName("LibraryEvents")
                .logicalResourceId(logicalId)).stackResourceDetail().physicalResourceId()).isEqualTo(library);
        assertThat(deployment.cloudFormation.describeStackResources(r -> r.stackName("LibraryEvents")
                .physicalResourceId(library)).stackResources()).extracting(StackResource::logicalResourceId)
                .containsExactly(logicalId);
        assertThat(deployment.api.base()).isEqualTo(cloud.apiUrl());
        assertThatThrownBy(() -> deployment.cloudFormation.describeStacks(r -> r.stackName("NoSuchStack")))
                .isInstanceOf(CloudFormationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void shouldNameQueuesAtTheAwsEndpoint() {
        assertThat(deployment.sqs.listQueues().queueUrls())
                .allSatisfy(url -> assertThat(url).startsWith(cloud.awsEndpoint() + "/000000000000/"));
    }

    /**
     * One gate holds every call at the endpoint to its caller's role; each protocol answers a refusal in its own
     * words: the JSON protocols with 400 {@code AccessDeniedException}, Lambda's REST, the query protocols and S3
     * with 403.
     */
    @Test
    void shouldRefuseACallTheCallersRoleDoesNotAllow_inEachProtocolsOwnWords() {
        String relay = function("NotificationOutboxRelay"); // reads its own stream and puts its own events, no more
        String pool = deployment.physicalIds("AWS::Cognito::UserPool").stream().findFirst().orElseThrow();
        String key = deployment.physicalIds("AWS::KMS::Key").stream().findFirst().orElseThrow();
        String bucket = deployment.physicalIds("AWS::S3::Bucket").stream().findFirst().orElseThrow();
        try (var dynamoDb = signedAs(DynamoDbClient.builder(), relay);
             var sqs = signedAs(SqsClient.builder(), relay);
             var events = signedAs(EventBridgeClient.builder(), relay);
             var kms = signedAs(KmsClient.builder(), relay);
             var cognito = signedAs(CognitoIdentityProviderClient.builder(), relay);
             var lambda = signedAs(LambdaClient.builder(), relay);
             var cloudFormation = signedAs(CloudFormationClient.builder(), relay);
             var s3 = signedAs(S3Client.builder().serviceConfiguration(S3Configuration.builder()
                     .pathStyleAccessEnabled(true).build()), relay)) {
            Map<String, Runnable> calls = new LinkedHashMap<>();
            calls.put("400 dynamodb:ListTables", dynamoDb::listTables);
            calls.put("400 sqs:ListQueues", sqs::listQueues);
            calls.put("400 events:ListRules", () -> events.listRules(r -> r.eventBusName(deployment.busName())));
            calls.put("400 kms:DescribeKey", () -> kms.describeKey(r -> r.keyId(key)));
            calls.put("400 cognito-idp:ListUsers", () -> cognito.listUsers(r -> r.userPoolId(pool)));
            calls.put("403 lambda:ListFunctions", lambda::listFunctions);
            calls.put("403 cloudformation:DescribeStacks", cloudFormation::describeStacks);
            calls.put("403 s3:ListBucket", () -> s3.listObjectsV2(r -> r.bucket(bucket)));
            calls.forEach((expected, call) -> {
                String[] statusAndAction = expected.split(" ");
                assertThatThrownBy(call::run).as(expected).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(Integer.parseInt(statusAndAction[0]));
                    assertThat(e.awsErrorDetails().errorCode()).startsWith("AccessDenied");
                    assertThat(e.getMessage()).contains("not authorized to perform: " + statusAndAction[1]);
                });
            });
        }
    }

    /** A client of any service, signing as {@code accessKey} (a function's logical id: that function's call). */
    private static <B extends AwsClientBuilder<B, C>, C> C signedAs(B builder, String accessKey) {
        return builder.endpointOverride(cloud.awsEndpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "x")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @Test
    void shouldAnswerAnUnknownOperation_inEachProtocolsOwnWords() throws Exception {
        HttpResponse<String> json = send(HttpRequest.newBuilder(cloud.awsEndpoint().resolve("/"))
                .header("X-Amz-Target", "AWSEvents.NoSuchOperation").header("Content-Type",
                        "application/x-amz-json-1.1").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(json.body()).contains("UnknownOperationException");

        HttpResponse<String> rest = send(HttpRequest.newBuilder(cloud.awsEndpoint()
                .resolve("/2015-03-31/no-such-resource")).GET());
        assertThat(rest.statusCode()).isEqualTo(404);
        assertThat(rest.headers().firstValue("X-Amzn-ErrorType")).hasValue("UnknownOperationException");

        HttpResponse<String> query = send(HttpRequest.newBuilder(cloud.awsEndpoint().resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=x/20261123/us-east-1/cloudformation/aws4_request")
                .POST(HttpRequest.BodyPublishers.ofString("Action=DeleteStack&StackName=LibraryEvents")));
        assertThat(query.statusCode()).isEqualTo(400);
        assertThat(query.body()).contains("<Code>InvalidAction</Code>");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
