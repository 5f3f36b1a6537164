package dev.libraryevents.localcloud.dynamodb;

import com.amazonaws.services.dynamodbv2.local.monitoring.Telemetry;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.common.Ports;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
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
public final class DynamoDbEmulator implements AutoCloseable {

    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;
    private final DynamoDbStreamsClient streams;
    private final TableWrites writes = new TableWrites();

    // AWS SDK v1 inside DynamoDB Local warns through JUL that JAXB is missing; it needs none here. A field, because
    // JUL holds loggers weakly and would forget the level.
    private static final Logger SDK_V1_LOGGER = Logger.getLogger("com.amazonaws");

    public DynamoDbEmulator(Path dataDirectory) throws Exception {
        SDK_V1_LOGGER.setLevel(Level.SEVERE);
        int port = Ports.free();
        String databasePath = null;
        if (dataDirectory != null) {
            databasePath = Files.createDirectories(dataDirectory.resolve("dynamodb")).toString();
        }
        // What ServerRunner does for "-port P -sharedDb -disableTelemetry [-inMemory | -dbPath D]", without its
        // configuration banner on standard output, and bound to loopback (it listens on every interface).
        Telemetry.configureTelemetry("MAVEN", dataDirectory == null ? "IN_MEMORY" : "DB_PATH", false);
        server = new DynamoDBProxyServer(port, new LocalDynamoDBServerHandler(new LocalDynamoDBRequestHandler(0,
                dataDirectory == null, databasePath, true, false), null));
        loopbackOnly(server);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        client = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.of(CloudTemplate.REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
        streams = DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(Region.of(CloudTemplate.REGION))
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** DynamoDB Local offers no host option; its Jetty connector is set before it starts. */
    private static void loopbackOnly(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        Field jetty = DynamoDBProxyServer.class.getDeclaredField("server");
        jetty.setAccessible(true);
        for (var connector : ((Server) jetty.get(proxy)).getConnectors()) {
            ((ServerConnector) connector).setHost("127.0.0.1");
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    public DynamoDbStreamsClient streams() {
        return streams;
    }

    /** The writes the AWS endpoint forwarded, by table: what wakes the stream pollers. */
    public TableWrites writes() {
        return writes;
    }

    /** Creates every table of the template that does not exist yet (after a restart with a data dir, all do). */
    public void createTables(CloudTemplate template) {
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
                    .projection(Projection.builder().projectionType(ProjectionType.fromValue(
                            index.path("Projection").path("ProjectionType").asText("ALL"))).build())
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

    public String streamArn(String tableName) {
        return client.describeTable(r -> r.tableName(tableName)).table().latestStreamArn();
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder().attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText()).build()));
        return keys;
    }

    /**
     * What IAM checks a DynamoDB request for, as (action, resource ARN) pairs: a table or index for the single-table
     * operations, each table of a batch, and each item's own action in a transaction (there is no IAM action for
     * TransactWriteItems itself).
     */
    public static List<Map.Entry<String, String>> authorizedActions(String operation, JsonNode request) {
        List<Map.Entry<String, String>> actions = new ArrayList<>();
        switch (operation) {
            case "BatchGetItem", "BatchWriteItem" -> request.path("RequestItems").fieldNames().forEachRemaining(table ->
                    actions.add(Map.entry("dynamodb:" + operation, tableArn(table))));
            case "TransactWriteItems", "TransactGetItems" -> request.path("TransactItems").forEach(item ->
                    item.fields().forEachRemaining(kind -> actions.add(Map.entry("dynamodb:" + switch (kind.getKey()) {
                        case "Put" -> "PutItem";
                        case "Update" -> "UpdateItem";
                        case "Delete" -> "DeleteItem";
                        case "ConditionCheck" -> "ConditionCheckItem";
                        default -> "GetItem";
                    }, tableArn(kind.getValue().path("TableName").asText())))));
            default -> {
                String resource = request.has("StreamArn") ? request.path("StreamArn").asText()
                        : request.has("TableName") ? tableArn(request.path("TableName").asText()) : "*";
                if (request.has("IndexName")) {
                    resource += "/index/" + request.path("IndexName").asText();
                }
                actions.add(Map.entry("dynamodb:" + operation, resource));
            }
        }
        return actions;
    }

    private static String tableArn(String tableNameOrArn) {
        return tableNameOrArn.startsWith("arn:") ? tableNameOrArn
                : CloudTemplate.arn("dynamodb", "table/" + tableNameOrArn);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
