package dev.libraryevents.localcloud.dynamodb;

import java.util.List;
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

    private static final Set<String> WRITES = Set.of("dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:DeleteItem", "dynamodb:BatchWriteItem");

    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    /**
     * The tables a request changes, by name, from the (action, resource) pairs IAM checks it for
     * ({@link DynamoDbEmulator#authorizedActions}): none for a read or a condition check.
     */
    public static Set<String> written(List<Map.Entry<String, String>> authorizedActions) {
        Set<String> tables = new TreeSet<>();
        for (Map.Entry<String, String> action : authorizedActions) {
            if (WRITES.contains(action.getKey())) {
                tables.add(tableName(action.getValue()));
            }
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

    /** The table of a table's or stream's ARN: {@code arn:aws:dynamodb:REGION:ACCOUNT:table/NAME[/stream/LABEL]}. */
    public static String tableName(String arn) {
        int start = arn.indexOf(":table/") + ":table/".length();
        int end = arn.indexOf('/', start);
        return arn.substring(start, end < 0 ? arn.length() : end);
    }

    private Count count(String table) {
        return counts.computeIfAbsent(table, name -> new Count());
    }
}
