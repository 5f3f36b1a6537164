package dev.libraryevents.localcloud;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * AWS's DynamoDB Local in this JVM, with the template's tables (keys, indexes, streams). One shared database for
 * every caller, whatever its credentials or region, in memory or under {@code --data-dir}.
 */
final class DynamoDbEmulator implements AutoCloseable {

    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;

    DynamoDbEmulator(Path dataDirectory) throws Exception {
        int port = Ports.free();
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-sharedDb",
                "-disableTelemetry"));
        if (dataDirectory == null) {
            args.add("-inMemory");
        } else {
            Path directory = Files.createDirectories(dataDirectory.resolve("dynamodb"));
            args.addAll(List.of("-dbPath", directory.toString()));
        }
        server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        client = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.of(CloudTemplate.REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
        streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(Region.of(CloudTemplate.REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    URI endpoint() {
        return endpoint;
    }

    DynamoDbClient client() {
        return client;
    }

    DynamoDbStreamsClient streams() {
        return streams;
    }

    /** Creates every table of the template that does not exist yet (after a restart with a data dir, all do). */
    void createTables(CloudTemplate template) {
        for (Map.Entry<String, JsonNode> table : template.ofType("AWS::DynamoDB::Table").entrySet()) {
            JsonNode properties = table.getValue();
            List<AttributeDefinition> attributes = new ArrayList<>();
            properties.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                    .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText())
                    .build()));
            List<GlobalSecondaryIndex> indexes = new ArrayList<>();
            properties.path("GlobalSecondaryIndexes").forEach(index -> indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(index.path("IndexName").asText())
                    .keySchema(keys(index.path("KeySchema")))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build()));
            try {
                client.createTable(r -> r.tableName(table.getKey())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(attributes)
                        .keySchema(keys(properties.path("KeySchema")))
                        .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
                        .streamSpecification(s -> s.streamEnabled(properties.has("StreamSpecification"))
                                .streamViewType(properties.path("StreamSpecification").path("StreamViewType")
                                        .asText(null))));
            } catch (ResourceInUseException alreadyThere) {
                // kept from the previous run in the data directory
            }
        }
    }

    String streamArn(String tableName) {
        return client.describeTable(r -> r.tableName(tableName)).table().latestStreamArn();
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder().attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
