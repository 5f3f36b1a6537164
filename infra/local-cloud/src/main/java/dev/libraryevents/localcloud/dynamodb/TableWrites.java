package dev.libraryevents.localcloud.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which tables a write through the AWS endpoint has changed, for the stream pollers: a poller that found nothing
 * waits for its table's next write instead of asking DynamoDB Local again and again, which was most of what an
 * idle local cloud did. A write that bypasses the endpoint (DynamoDB Local's own port) wakes nobody: pollers still
 * look on their own every {@code idle} wait, as Lambda polls a shard four times a second.
 */
public final class TableWrites {

    /** Counts a table's writes; waiters compare the count they last saw. */
    private static final class Count {
        private long writes;

        synchronized void add() {
            writes++;
            notifyAll();
        }

        synchronized long get() {
            return writes;
        }

        synchronized void awaitAfter(long seen, long millis) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            for (long left = millis; writes == seen && left > 0;
                 left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
                wait(left);
            }
        }
    }

    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    /** The tables a write request changes, by name; none for a read. */
    public static Set<String> written(String operation, JsonNode request) {
        Set<String> tables = new TreeSet<>();
        switch (operation) {
            case "PutItem", "UpdateItem", "DeleteItem" -> tables.add(name(request.path("TableName").asText()));
            case "BatchWriteItem" -> request.path("RequestItems").fieldNames()
                    .forEachRemaining(table -> tables.add(name(table)));
            case "TransactWriteItems" -> request.path("TransactItems").forEach(item -> item.fields()
                    .forEachRemaining(kind -> {
                        if (!kind.getKey().equals("ConditionCheck")) {
                            tables.add(name(kind.getValue().path("TableName").asText()));
                        }
                    }));
            default -> { }
        }
        return tables;
    }

    /** After a write committed: wakes the pollers of its tables. */
    public void wrote(Set<String> tables) {
        tables.forEach(table -> count(table).add());
    }

    /** A table's writes so far: what {@link #awaitAfter} compares with. */
    public long seen(String table) {
        return count(table).get();
    }

    /** Returns once the table has been written since {@code seen} was read, or after {@code millis}. */
    public void awaitAfter(String table, long seen, long millis) throws InterruptedException {
        count(table).awaitAfter(seen, millis);
    }

    /** A stream's table: {@code arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL}. */
    public static String tableOfStream(String streamArn) {
        int start = streamArn.indexOf(":table/") + ":table/".length();
        int end = streamArn.indexOf('/', start);
        return streamArn.substring(start, end < 0 ? streamArn.length() : end);
    }

    private Count count(String table) {
        return counts.computeIfAbsent(table, name -> new Count());
    }

    private static String name(String tableNameOrArn) {
        return tableNameOrArn.startsWith("arn:") ? tableNameOrArn.substring(tableNameOrArn.indexOf(":table/") + 7)
                : tableNameOrArn;
    }
}
