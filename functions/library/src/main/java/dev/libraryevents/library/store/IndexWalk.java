package dev.libraryevents.library.store;

import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.support.aws.Items;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Walks one partition of an index (or of the table) in key order, page by page, resolving the keys it meets into
 * what the list shows and keeping those the list keeps, until a page is full. It stops at the key of the last row
 * it looked at, and the next page starts right after it: from the first page to the last, each item that existed
 * throughout comes exactly once, however the table changes meanwhile. A query, never a scan: its cost is the page's,
 * whatever the size of the table.
 */
final class IndexWalk {

    /** Queries one page may make while a filter keeps few rows; then it answers what it has and a cursor. */
    static final int MAX_QUERIES = 10;

    /**
     * @param index          null for the table itself
     * @param partition      the value of the partition key ({@code <index>Pk}, or {@code pk})
     * @param sortPrefix     the sort key starts so (null: any)
     * @param newestFirst    descending sort key order
     */
    record Scope(String index, String partition, String sortPrefix, boolean newestFirst) {

        String partitionAttribute() {
            return index == null ? Items.PARTITION_KEY : index + "Pk";
        }

        String sortAttribute() {
            return index == null ? Items.SORT_KEY : index + "Sk";
        }

        /** The attributes of a position: the table's key, and the index's. */
        Set<String> keyAttributes() {
            return index == null ? Set.of(Items.PARTITION_KEY, Items.SORT_KEY)
                    : Set.of(Items.PARTITION_KEY, Items.SORT_KEY, partitionAttribute(), sortAttribute());
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    IndexWalk(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * @param start   where the previous page stopped, or null for the first page
     * @param resolve the rows of one query, in order, to what the list shows of each (null: not shown)
     */
    <T> Page<T> walk(Scope scope, Map<String, String> start, int limit,
                     Function<List<Map<String, AttributeValue>>, List<T>> resolve) {
        Map<String, AttributeValue> after = start == null ? null : position(scope, start);
        List<T> items = new ArrayList<>();
        for (int queries = 0; queries < MAX_QUERIES; queries++) {
            QueryResponse response = dynamoDb.query(query(scope, after, limit));
            List<Map<String, AttributeValue>> rows = response.items();
            List<T> resolved = rows.isEmpty() ? List.of() : resolve.apply(rows);
            for (int i = 0; i < rows.size(); i++) {
                after = keyOf(scope, rows.get(i));
                if (resolved.get(i) != null) {
                    items.add(resolved.get(i));
                    if (items.size() == limit) {
                        boolean more = i < rows.size() - 1 || response.hasLastEvaluatedKey()
                                && !response.lastEvaluatedKey().isEmpty();
                        return new Page<>(items, more ? strings(after) : null);
                    }
                }
            }
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                return new Page<>(items, null);
            }
        }
        return new Page<>(items, strings(after));
    }

    /** The rows these keys name (consistent reads), in the keys' order; null where one is gone. */
    List<Map<String, AttributeValue>> rows(List<Map<String, AttributeValue>> keys) {
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        Map<String, KeysAndAttributes> pending = Map.of(tableName, KeysAndAttributes.builder()
                .keys(keys.stream().distinct().toList()).consistentRead(true).build());
        while (!pending.isEmpty()) {
            var requested = pending;
            var response = dynamoDb.batchGetItem(r -> r.requestItems(requested));
            response.responses().getOrDefault(tableName, List.of()).forEach(row -> found.put(id(row), row));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        List<Map<String, AttributeValue>> rows = new ArrayList<>();
        keys.forEach(key -> rows.add(found.get(id(key))));
        return rows;
    }

    /** The table key of an index row: what {@link #rows} reads. */
    static Map<String, AttributeValue> tableKey(Map<String, AttributeValue> row) {
        return Map.of(Items.PARTITION_KEY, row.get(Items.PARTITION_KEY), Items.SORT_KEY, row.get(Items.SORT_KEY));
    }

    private QueryRequest query(Scope scope, Map<String, AttributeValue> after, int limit) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":partition", s(scope.partition())));
        String condition = "#partition = :partition";
        Map<String, String> names = new HashMap<>(Map.of("#partition", scope.partitionAttribute()));
        if (scope.sortPrefix() != null) {
            condition += " AND begins_with(#sort, :prefix)";
            names.put("#sort", scope.sortAttribute());
            values.put(":prefix", s(scope.sortPrefix()));
        }
        return QueryRequest.builder().tableName(tableName).indexName(scope.index())
                .keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(!scope.newestFirst()).exclusiveStartKey(after).limit(limit)
                .consistentRead(scope.index() == null ? Boolean.TRUE : null).build();
    }

    /** A position given back, checked to lie in this scope: a key of another list is refused, not followed. */
    private static Map<String, AttributeValue> position(Scope scope, Map<String, String> start) {
        if (!start.keySet().equals(scope.keyAttributes())
                || !scope.partition().equals(start.get(scope.partitionAttribute()))
                || (scope.sortPrefix() != null && !start.get(scope.sortAttribute()).startsWith(scope.sortPrefix()))) {
            throw new InvalidPosition("the cursor is not a position in this list");
        }
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        start.forEach((name, value) -> key.put(name, s(value)));
        return key;
    }

    private static Map<String, AttributeValue> keyOf(Scope scope, Map<String, AttributeValue> row) {
        Map<String, AttributeValue> key = new HashMap<>();
        scope.keyAttributes().forEach(name -> key.put(name, row.get(name)));
        return key;
    }

    private static Map<String, String> strings(Map<String, AttributeValue> key) {
        Map<String, String> strings = new HashMap<>();
        key.forEach((name, value) -> strings.put(name, value.s()));
        return strings;
    }

    private static String id(Map<String, AttributeValue> row) {
        return row.get(Items.PARTITION_KEY).s() + "\n" + row.get(Items.SORT_KEY).s();
    }
}
