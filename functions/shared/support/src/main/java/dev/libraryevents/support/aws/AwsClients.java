package dev.libraryevents.support.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The SDK clients a function builds once, in its handler's constructor. Region and credentials come from what
 * Lambda sets; the endpoint from the SDK's standard {@code AWS_ENDPOINT_URL} settings, which is how the same code
 * reaches LocalStack or the local cloud. Naming the provider and HTTP client skips the SDK's discovery of them on
 * every cold start.
 */
public final class AwsClients {

    private AwsClients() {}

    public static DynamoDbClient dynamoDb() {
        return build(DynamoDbClient.builder());
    }

    public static EventBridgeClient eventBridge() {
        return build(EventBridgeClient.builder());
    }

    /** Any other SDK client, set up the same way: {@code AwsClients.build(SesV2Client.builder())}. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(B builder) {
        return builder
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(credentials())
                .region(region())
                .build();
    }

    /** A setting the deployment must provide; a missing one fails the cold start loudly rather than a request. */
    public static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    /**
     * A SnapStart environment has no access key variables (a snapshot would freeze them): Lambda serves the role's
     * credentials from a container endpoint instead, and the provider fetches them, again when they expire. Other
     * environments have the variables.
     */
    public static AwsCredentialsProvider credentials() {
        String containerEndpoint = System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        return containerEndpoint == null || containerEndpoint.isBlank()
                ? EnvironmentVariableCredentialsProvider.create()
                : ContainerCredentialsProvider.builder().build();
    }

    private static Region region() {
        return Region.of(requiredEnv("AWS_REGION"));
    }
}
