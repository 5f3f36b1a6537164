package dev.libraryevents.audit.store;

import static dev.libraryevents.support.aws.Items.s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Snapshots of the whole system, stored beside the log. One item each, so a snapshot is bounded by DynamoDB's
 * 400 KB item size: enough for a branch library, not for a national one.
 */
public final class Snapshots {

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final ObjectMapper json = EventCodec.shared().mapper();

    public Snapshots(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** Stores a snapshot under its {@code snapshotId}, once. */
    public void put(ObjectNode snapshot) {
        Map<String, AttributeValue> item = new HashMap<>(AuditItems.snapshotKey(
                snapshot.get("snapshotId").asText()));
        item.put(AuditItems.SNAPSHOT, s(snapshot.toString()));
        dynamoDb.putItem(r -> r.tableName(tableName).item(item).conditionExpression("attribute_not_exists(pk)"));
    }

    public Optional<ObjectNode> find(String snapshotId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(AuditItems.snapshotKey(snapshotId))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of((ObjectNode) json.readTree(item.get(AuditItems.SNAPSHOT).s()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored snapshot " + snapshotId + " is not JSON", e);
        }
    }
}
