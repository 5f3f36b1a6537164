package dev.libraryevents.floor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.libraryevents.support.aws.AwsClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cold start's floor for a function that talks to DynamoDB: the client built as the functions build it
 * ({@link AwsClients}), in the constructor, and one {@code GetItem} per invocation; no Jackson, no schemas, none of
 * our code. The benchmark starts it without a role, so the request is refused: the whole round trip still runs
 * (endpoint, signing, HTTP, the answer read back), through the SDK's error path instead of its item path.
 */
public final class SdkFloorHandler implements RequestStreamHandler {

    private final DynamoDbClient dynamoDb = AwsClients.dynamoDb();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try {
            dynamoDb.getItem(r -> r.tableName("sdk-floor").key(Map.of("pk", AttributeValue.fromS("floor"))));
        } catch (SdkServiceException refused) {
            // expected: the benchmark gives this handler no role
        }
        output.write('{');
        output.write('}');
    }
}
