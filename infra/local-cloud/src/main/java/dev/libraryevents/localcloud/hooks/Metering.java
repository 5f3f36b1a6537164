package dev.libraryevents.localcloud.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * What a bill is made of, counted as the local cloud serves: AWS requests by caller (each function calls with its
 * own access key, its logical id), DynamoDB capacity units, SQS requests of the event source mappings and rule
 * targets, bus entries, and Lambda invocations with their durations. Counters only grow; a benchmark takes two
 * {@link #snapshot()}s and subtracts them.
 *
 * <p>Keys are {@code kind|subject|detail}: {@code request|caller|DynamoDB.TransactWriteItems},
 * {@code dynamodb.wru|caller} (of which {@code dynamodb.wru.single|caller} outside transactions),
 * {@code dynamodb.rru|caller}, {@code sqs|queue|ReceiveMessage} (and
 * {@code ReceiveMessage.empty}), {@code events.entries|caller}, {@code lambda.invocations|function},
 * {@code lambda.records|function}, {@code lambda.billedMs|function}, {@code lambda.singleRecordInvocations|function},
 * {@code lambda.singleRecordMs|function}, {@code lambda.errors|function}.
 */
public final class Metering {

    private final Map<String, DoubleAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, List<Index>> indexesByTable = new ConcurrentHashMap<>();
    private final Map<String, Integer> memoryMb = new ConcurrentHashMap<>();
    private volatile long lastInvocationNanos = System.nanoTime();

    /** Counter values at this moment, by key. */
    public Map<String, Double> snapshot() {
        Map<String, Double> values = new TreeMap<>();
        counters.forEach((key, value) -> values.put(key, value.sum()));
        return values;
    }

    /** Each counter's growth from {@code before} to {@code after}. */
    public static Map<String, Double> difference(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> grown = new TreeMap<>();
        after.forEach((key, value) -> {
            double delta = value - before.getOrDefault(key, 0.0);
            if (delta != 0) {
                grown.put(key, delta);
            }
        });
        return grown;
    }

    /** The configured memory of every function, in MB. */
    public Map<String, Integer> memoryMb() {
        return Map.copyOf(memoryMb);
    }

    /** Nanos (System.nanoTime) of the last invocation that finished. */
    public long lastInvocationNanos() {
        return lastInvocationNanos;
    }

    public void add(String key, double amount) {
        counters.computeIfAbsent(key, k -> new DoubleAdder()).add(amount);
    }

    public void function(String name, int memory) {
        memoryMb.put(name, memory);
    }

    /**
     * A global secondary index: an item that carries its partition key is written to it too, all of it or (keys only)
     * the table's and the index's key attributes alone, each write billed by the size of what the index holds.
     */
    public record Index(Set<String> keyAttributes, String partitionKey, boolean keysOnly) {}

    /** A table's global secondary indexes. */
    public void indexes(String table, List<Index> indexes) {
        indexesByTable.put(table, List.copyOf(indexes));
    }

    /** An invocation that ended in a function error, a timeout or its environment's death. */
    public void failed(String function) {
        add("lambda.errors|" + function, 1);
    }

    public void invoked(String function, int records, long millis) {
        String suffix = "|" + function;
        add("lambda.invocations" + suffix, 1);
        add("lambda.records" + suffix, records);
        add("lambda.billedMs" + suffix, Math.max(1, millis)); // Lambda bills by the millisecond, rounded up
        if (records == 1) {
            add("lambda.singleRecordInvocations" + suffix, 1);
            add("lambda.singleRecordMs" + suffix, Math.max(1, millis));
        }
        lastInvocationNanos = System.nanoTime();
    }

    /**
     * Capacity units of one DynamoDB request. Reads take DynamoDB Local's own figure from the answer (null for a
     * write, or an answer that is not DynamoDB's). Writes are
     * priced from the request as DynamoDB does (1 unit per started KB of item, twice in a transaction, again for
     * each index the item lands in), because DynamoDB Local's figures for transactions are not AWS's. An update,
     * delete or condition check counts as an item of at most 1 KB: every item of this system is that small.
     */
    public void dynamoDb(String caller, String operation, JsonNode request, JsonNode response) {
        double writeUnits = switch (operation) {
            case "PutItem" -> itemWrite(request.path("TableName").asText(), request.path("Item"));
            case "UpdateItem", "DeleteItem" -> 1;
            case "BatchWriteItem" -> {
                double units = 0;
                var tables = request.path("RequestItems").fields();
                while (tables.hasNext()) {
                    var table = tables.next();
                    for (JsonNode write : table.getValue()) {
                        units += write.has("PutRequest")
                                ? itemWrite(table.getKey(), write.path("PutRequest").path("Item")) : 1;
                    }
                }
                yield units;
            }
            case "TransactWriteItems" -> {
                double units = 0;
                for (JsonNode item : request.path("TransactItems")) {
                    JsonNode put = item.path("Put");
                    units += put.isMissingNode() ? 1 : itemWrite(put.path("TableName").asText(), put.path("Item"));
                }
                yield 2 * units;
            }
            default -> 0;
        };
        if (writeUnits > 0) {
            add("dynamodb.wru|" + caller, writeUnits);
            if (!operation.equals("TransactWriteItems")) {
                add("dynamodb.wru.single|" + caller, writeUnits);
            }
        }
        if (response != null) {
            JsonNode consumed = response.path("ConsumedCapacity");
            for (JsonNode table : consumed.isArray() ? consumed : List.of(consumed)) {
                add("dynamodb.rru|" + caller, table.path("CapacityUnits").asDouble());
            }
        }
    }

    /** The item's units for the table, and for each index it lands in those of what that index holds of it. */
    private double itemWrite(String table, JsonNode item) {
        double units = writeUnits(itemBytes(item));
        for (Index index : indexesByTable.getOrDefault(table, List.of())) {
            if (item.has(index.partitionKey())) {
                units += writeUnits(index.keysOnly() ? keyBytes(item, index.keyAttributes()) : itemBytes(item));
            }
        }
        return units;
    }

    /** A unit per started KB. */
    private static double writeUnits(long bytes) {
        return Math.ceil(Math.max(1, bytes) / 1024.0);
    }

    /** The size of the item's key attributes alone, what a keys-only index holds of it. */
    private static long keyBytes(JsonNode item, Set<String> attributes) {
        return attributes.stream().filter(item::has)
                .mapToLong(attribute -> attribute.length() + valueBytes(item.get(attribute))).sum();
    }

    /** DynamoDB's item size: attribute names plus values (numbers about one byte per two digits). */
    static long itemBytes(JsonNode item) {
        long bytes = 0;
        var attributes = item.fields();
        while (attributes.hasNext()) {
            var attribute = attributes.next();
            bytes += attribute.getKey().length() + valueBytes(attribute.getValue());
        }
        return bytes;
    }

    private static long valueBytes(JsonNode value) {
        var typed = value.fields();
        if (!typed.hasNext()) {
            return 0;
        }
        var entry = typed.next();
        JsonNode v = entry.getValue();
        return switch (entry.getKey()) {
            case "S" -> v.asText().getBytes(StandardCharsets.UTF_8).length;
            case "N" -> v.asText().length() / 2 + 1;
            case "B" -> v.asText().length() * 3L / 4;
            case "BOOL", "NULL" -> 1;
            case "M" -> 3 + itemBytes(v);
            case "L" -> {
                long size = 3;
                for (JsonNode element : v) {
                    size += 1 + valueBytes(element);
                }
                yield size;
            }
            default -> { // SS, NS, BS
                long size = 0;
                for (JsonNode element : v) {
                    size += element.asText().length();
                }
                yield size;
            }
        };
    }
}
