package dev.libraryevents.localcloud.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The console's look into the tables, read-only, through DynamoDB's own API as an administrator. */
final class Tables {

    private static final int ITEMS = 50;

    private final DynamoDbClient dynamoDb;

    Tables(DynamoDbClient dynamoDb) {
        this.dynamoDb = dynamoDb;
    }

    JsonNode names() {
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        dynamoDb.listTables().tableNames().forEach(list::add);
        return list;
    }

    /** A table's items whose partition key starts with a prefix (read-only; at most {@value #ITEMS}). */
    JsonNode items(String table, String prefix) {
        ArrayNode list = CloudTemplate.JSON.createArrayNode();
        var request = dynamoDb.scanPaginator(r -> {
            r.tableName(table);
            if (!prefix.isEmpty()) {
                r.filterExpression("begins_with(pk, :prefix)")
                        .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(prefix)));
            }
        });
        for (Map<String, AttributeValue> item : request.items()) {
            if (list.size() >= ITEMS) {
                break;
            }
            ObjectNode row = list.addObject();
            new TreeMap<>(item).forEach((name, value) -> row.put(name, display(value)));
        }
        return list;
    }

    private static String display(AttributeValue value) {
        if (value.s() != null) {
            return value.s();
        }
        if (value.n() != null) {
            return value.n();
        }
        if (value.bool() != null) {
            return value.bool().toString();
        }
        return value.toString();
    }
}
