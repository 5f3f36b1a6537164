package dev.libraryevents.support.aws;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Transaction items every table here uses. */
public final class TransactionItems {

    private TransactionItems() {}

    /** Writes the item only if no item has its key: a second writer of the same key cancels its transaction. */
    public static TransactWriteItem putIfAbsent(String tableName, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    /**
     * A transaction's put as a request of its own, condition and all (and what a failed condition returns).
     *
     * @throws ConditionalCheckFailedException if its condition does not hold
     */
    public static void putAlone(DynamoDbClient dynamoDb, Put put) {
        dynamoDb.putItem(r -> r.tableName(put.tableName()).item(put.item())
                .conditionExpression(put.conditionExpression())
                .expressionAttributeNames(put.hasExpressionAttributeNames() ? put.expressionAttributeNames() : null)
                .expressionAttributeValues(put.hasExpressionAttributeValues() ? put.expressionAttributeValues()
                        : null)
                .returnValuesOnConditionCheckFailure(put.returnValuesOnConditionCheckFailure()));
    }
}
