package dev.libraryevents.audit.store;

import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.audit.domain.AuditTrails;
import dev.libraryevents.audit.domain.AuditTrails.Entity;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.CompressedText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Reading the audit log back: a trail, every event, the events of one correlation id. */
public final class AuditQueries {

    /** Keys one BatchGetItem takes at most. */
    private static final int BATCH_GET_LIMIT = 100;

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

    /**
     * The events of one correlation id, each cause before what it caused. The index holds only the keys (every
     * event writes it; a trace is rare), so the rows are read from the table by them, a hundred keys a request.
     */
    public List<EventEnvelope> trace(String correlationId) {
        List<Map<String, AttributeValue>> keys = dynamoDb.queryPaginator(r -> r.tableName(tableName)
                        .indexName(AuditItems.CORRELATION_INDEX)
                        .keyConditionExpression("#pk = :id")
                        .expressionAttributeNames(Map.of("#pk", AuditItems.CORRELATION_INDEX + "Pk"))
                        .expressionAttributeValues(Map.of(":id", s(correlationId))))
                .items().stream().map(row -> Map.of("pk", row.get("pk"), "sk", row.get("sk"))).toList();
        List<EventEnvelope> events = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += BATCH_GET_LIMIT) {
            rows(keys.subList(from, Math.min(keys.size(), from + BATCH_GET_LIMIT)))
                    .forEach(row -> events.add(event(row)));
        }
        return AuditTrails.causalOrder(events);
    }

    /** The rows these keys name, however many rounds DynamoDB takes to answer them all. */
    private List<Map<String, AttributeValue>> rows(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> rows = new ArrayList<>();
        Map<String, KeysAndAttributes> pending = Map.of(tableName, KeysAndAttributes.builder().keys(keys).build());
        while (!pending.isEmpty()) {
            var requested = pending;
            BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(requested));
            rows.addAll(response.responses().getOrDefault(tableName, List.of()));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return rows;
    }

    private EventEnvelope event(Map<String, AttributeValue> item) {
        return codec.decode(CompressedText.text(item.get(AuditItems.EVENT)));
    }
}
