package dev.libraryevents.audit.store;

import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.audit.domain.AuditTrails;
import dev.libraryevents.audit.domain.AuditTrails.Entity;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Reading the audit log back: a trail, every event, the events of one correlation id. */
public final class AuditQueries {

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final EventCodec codec;

    public AuditQueries(DynamoDbClient dynamoDb, String tableName, EventCodec codec) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.codec = codec;
    }

    /** The entity's events, oldest first. */
    public List<EventEnvelope> trail(Entity entity) {
        return dynamoDb.queryPaginator(r -> r.tableName(tableName).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(AuditItems.entityKey(entity)))))
                .items().stream().map(this::event).toList();
    }

    /** Every event in the log, once each (the {@code EVENT} rows), in no particular order. */
    public List<EventEnvelope> everyEvent() {
        return dynamoDb.scanPaginator(r -> r.tableName(tableName).filterExpression("sk = :event")
                        .expressionAttributeValues(Map.of(":event", s(AuditItems.EVENT_ROW))))
                .items().stream().map(this::event).toList();
    }

    /** The events of one correlation id, each cause before what it caused. */
    public List<EventEnvelope> trace(String correlationId) {
        return AuditTrails.causalOrder(dynamoDb.queryPaginator(r -> r.tableName(tableName)
                        .indexName(AuditItems.CORRELATION_INDEX)
                        .keyConditionExpression("#pk = :id")
                        .expressionAttributeNames(Map.of("#pk", AuditItems.CORRELATION_INDEX + "Pk"))
                        .expressionAttributeValues(Map.of(":id", s(correlationId))))
                .items().stream().map(this::event).toList());
    }

    private EventEnvelope event(Map<String, AttributeValue> item) {
        return codec.decode(item.get(AuditItems.EVENT).s());
    }
}
