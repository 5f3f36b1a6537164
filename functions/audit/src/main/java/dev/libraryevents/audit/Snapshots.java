package dev.libraryevents.audit;

import static dev.libraryevents.support.aws.Items.s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.http.StateJson;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Snapshots of the whole system rebuilt from the audit log, stored beside it. One item each, so a snapshot is
 * bounded by DynamoDB's 400 KB item size: enough for a branch library, not for a national one.
 */
public final class Snapshots {

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final AuditQueries queries;
    private final Clock clock;
    private final ObjectMapper json = EventCodec.shared().mapper();

    public Snapshots(DynamoDbClient dynamoDb, String tableName, AuditQueries queries, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.queries = queries;
        this.clock = clock;
    }

    /** @return the stored snapshot: snapshotId, takenAt, counts, books, users, borrowings */
    public ObjectNode take() {
        AuditQueries.SystemState state = queries.rebuild();
        ObjectNode snapshot = json.createObjectNode()
                .put("snapshotId", UUID.randomUUID().toString())
                .put("takenAt", EventCodec.timestamp(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        snapshot.putObject("counts")
                .put("books", state.books().size())
                .put("users", state.users().size())
                .put("borrowings", state.borrowings().size());
        state.books().values().forEach(book -> snapshot.withArray("books").add(StateJson.book(book)));
        state.users().values().forEach(user -> snapshot.withArray("users").add(StateJson.user(user)));
        state.borrowings().values().forEach(b -> snapshot.withArray("borrowings").add(StateJson.borrowing(b)));
        dynamoDb.putItem(r -> r.tableName(tableName)
                .item(Map.of(Items.PARTITION_KEY, s("SNAPSHOT#" + snapshot.get("snapshotId").asText()),
                        Items.SORT_KEY, s("SNAPSHOT"), "snapshot", s(snapshot.toString())))
                .conditionExpression("attribute_not_exists(pk)"));
        return snapshot;
    }

    public Optional<ObjectNode> find(String snapshotId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(Items.key("SNAPSHOT#" + snapshotId, "SNAPSHOT"))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of((ObjectNode) json.readTree(item.get("snapshot").s()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored snapshot " + snapshotId + " is not JSON", e);
        }
    }
}
