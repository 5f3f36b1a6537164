package dev.libraryevents.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * AWS's DynamoDB Local, in this JVM, over real HTTP on a loopback port: started once by the first test that asks
 * and shared by every test in the JVM. Each test class creates its own uniquely named tables.
 */
public final class DynamoDbLocal {

    public static final Region REGION = Region.US_EAST_1;
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

    private static DynamoDbLocal shared;

    private final URI endpoint;
    private final DynamoDbClient client;
    private final AtomicInteger tables = new AtomicInteger();

    private DynamoDbLocal(URI endpoint) {
        this.endpoint = endpoint;
        this.client = DynamoDbClient.builder().endpointOverride(endpoint).region(REGION)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static synchronized DynamoDbLocal shared() {
        if (shared == null) {
            int port = freePort();
            try {
                DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.stop();
                    } catch (Exception ignored) {
                        // the JVM is exiting; nothing is left to clean
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start", e);
            }
            shared = new DynamoDbLocal(URI.create("http://127.0.0.1:" + port));
        }
        return shared;
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient client() {
        return client;
    }

    /** A client of this server that counts its requests by operation ({@code "TransactWriteItems"}, …). */
    public DynamoDbClient countingClient(Map<String, Integer> requestsByOperation) {
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                requestsByOperation.merge(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1,
                        Integer::sum);
            }
        };
        return DynamoDbClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)).build();
    }

    public DynamoDbStreamsClient streams() {
        return DynamoDbStreamsClient.builder().endpointOverride(endpoint).region(REGION)
                .credentialsProvider(CREDENTIALS).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /**
     * A new table shaped as every service table is (string {@code pk} and {@code sk}, a NEW_IMAGE stream), with a
     * global secondary index per name given, keyed by the string attributes {@code <name>Pk} and {@code <name>Sk}.
     *
     * @return its name, unique in this JVM
     */
    public String createServiceTable(String prefix, String... indexNames) {
        return createServiceTable(prefix, ProjectionType.ALL, indexNames);
    }

    /**
     * The same, with indexes that project only the keys, as the Library and Audit tables' do: a query's rows are
     * keys, and what else a row holds is read from the table.
     */
    public String createKeysOnlyServiceTable(String prefix, String... indexNames) {
        return createServiceTable(prefix, ProjectionType.KEYS_ONLY, indexNames);
    }

    private String createServiceTable(String prefix, ProjectionType projection, String... indexNames) {
        String name = prefix + "-" + tables.incrementAndGet();
        List<AttributeDefinition> attributes = new ArrayList<>(List.of(string("pk"), string("sk")));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (String index : indexNames) {
            attributes.add(string(index + "Pk"));
            attributes.add(string(index + "Sk"));
            indexes.add(GlobalSecondaryIndex.builder().indexName(index)
                    .keySchema(key(index + "Pk", KeyType.HASH), key(index + "Sk", KeyType.RANGE))
                    .projection(Projection.builder().projectionType(projection).build()).build());
        }
        client.createTable(table -> table
                .tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes)
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(indexes.isEmpty() ? null : indexes)
                .streamSpecification(stream -> stream.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
        return name;
    }

    /** A table like the Library service's key table: one item per user, keyed by {@code userId}. */
    public String createKeyTable(String prefix) {
        String name = prefix + "-" + tables.incrementAndGet();
        client.createTable(table -> table.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(string("userId")).keySchema(key("userId", KeyType.HASH)));
        return name;
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
