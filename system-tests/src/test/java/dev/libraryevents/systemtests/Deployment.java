package dev.libraryevents.systemtests;

import dev.libraryevents.ops.DeadLetters;
import dev.libraryevents.ops.SignInAccounts;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A deployed stack, wherever it runs (the local cloud, LocalStack, AWS), seen only through AWS's APIs: its API's URL
 * from the stack's outputs, its parts by logical id from the stack's resources, and the clients to operate them.
 * Nothing here knows which of the three it is talking to.
 */
final class Deployment implements AutoCloseable {

    final LambdaClient lambda;
    final EventBridgeClient eventBridge;
    final SqsClient sqs;
    final CloudFormationClient cloudFormation;
    final DynamoDbClient dynamoDb;
    final DeadLetters deadLetters;
    final Stack.SignIns signIns;
    /** Signed in as a librarian, who may call every route. */
    final Stack.Api api;
    private final String stackName;
    private final List<StackResourceSummary> resources;

    /** A local cloud or LocalStack: any credentials, one endpoint. */
    static Deployment at(URI endpoint, String stackName) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"));
        return new Deployment(stackName, builder -> builder.endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(credentials));
    }

    /** AWS itself, with the default credentials and region (AWS_PROFILE, AWS_REGION). */
    static Deployment onAws(String stackName) {
        return new Deployment(stackName, builder -> {});
    }

    private interface Configuration {
        void apply(AwsClientBuilder<?, ?> builder);
    }

    private Deployment(String stackName, Configuration configuration) {
        this.stackName = stackName;
        lambda = build(LambdaClient.builder(), configuration);
        eventBridge = build(EventBridgeClient.builder(), configuration);
        sqs = build(SqsClient.builder(), configuration);
        cloudFormation = build(CloudFormationClient.builder(), configuration);
        dynamoDb = build(DynamoDbClient.builder(), configuration);
        deadLetters = new DeadLetters(sqs, eventBridge);
        signIns = new Stack.SignIns(new SignInAccounts(build(CognitoIdentityProviderClient.builder(), configuration),
                cloudFormation, stackName));
        resources = cloudFormation.listStackResourcesPaginator(r -> r.stackName(stackName)).stackResourceSummaries()
                .stream().toList();
        String url = cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().get(0).outputs().stream()
                .filter(output -> output.outputKey().contains("Endpoint")).findFirst().orElseThrow().outputValue();
        api = new Stack.Api(URI.create(url.endsWith("/") ? url : url + "/"), signIns.librarian());
    }

    private static <B extends AwsClientBuilder<B, C>, C> C build(B builder, Configuration configuration) {
        configuration.apply(builder);
        return builder.build();
    }

    /** The physical id of the stack's one resource of this type whose logical id starts with the construct's path. */
    String physicalId(String type, String logicalIdPrefix) {
        List<String> found = resources.stream()
                .filter(r -> r.resourceType().equals(type) && r.logicalResourceId().startsWith(logicalIdPrefix))
                .map(StackResourceSummary::physicalResourceId).toList();
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " resources " + type + " " + logicalIdPrefix + "* in "
                    + stackName);
        }
        return found.get(0);
    }

    /** The physical ids of every resource of a type: the stack's tables, say. */
    List<String> physicalIds(String type) {
        return resources.stream().filter(r -> r.resourceType().equals(type))
                .map(StackResourceSummary::physicalResourceId).toList();
    }

    String function(String logicalIdPrefix) {
        return physicalId("AWS::Lambda::Function", logicalIdPrefix);
    }

    /** A queue's URL (CloudFormation's physical id of a queue). */
    String queue(String logicalIdPrefix) {
        return physicalId("AWS::SQS::Queue", logicalIdPrefix);
    }

    String busName() {
        String bus = physicalId("AWS::Events::EventBus", "Bus");
        return bus.substring(bus.lastIndexOf('/') + 1);
    }

    /** Messages in a queue, visible or in flight. */
    long depth(String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** How long a message may take to fail its way into a DLQ here: three receives, with room to spare. */
    Duration patience(String queueUrl) {
        long visibility = Long.parseLong(sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
                .get(QueueAttributeName.VISIBILITY_TIMEOUT));
        return Duration.ofSeconds(90 + 4 * visibility);
    }

    /** Enables or disables a function's event source mapping (UpdateEventSourceMapping), and waits until it is so. */
    void mappingEnabled(String functionName, boolean enabled) {
        EventSourceMappingConfiguration mapping = lambda.listEventSourceMappings(r -> r.functionName(functionName))
                .eventSourceMappings().get(0);
        lambda.updateEventSourceMapping(r -> r.uuid(mapping.uuid()).enabled(enabled));
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() ->
                lambda.getEventSourceMapping(r -> r.uuid(mapping.uuid())).state()
                        .equals(enabled ? "Enabled" : "Disabled"));
    }

    /** A function's environment variable, and a new value for it (UpdateFunctionConfiguration, then its waiter). */
    String variable(String functionName, String name) {
        return lambda.getFunctionConfiguration(r -> r.functionName(functionName)).environment().variables().get(name);
    }

    void variable(String functionName, String name, String value) {
        Map<String, String> variables = new HashMap<>(lambda.getFunctionConfiguration(r -> r.functionName(functionName))
                .environment().variables());
        variables.put(name, value);
        lambda.updateFunctionConfiguration(r -> r.functionName(functionName).environment(e -> e.variables(variables)));
        lambda.waiter().waitUntilFunctionUpdated(r -> r.functionName(functionName));
    }

    @Override
    public void close() {
        lambda.close();
        eventBridge.close();
        sqs.close();
        signIns.close(); // and the CloudFormation client it shares
    }
}
