package dev.libraryevents.analytics.store;

import static dev.libraryevents.support.aws.Items.key;
import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.analytics.domain.UsageMetrics;
import dev.libraryevents.analytics.domain.UsageMetrics.BookCount;
import dev.libraryevents.analytics.domain.UsageReport;
import dev.libraryevents.support.aws.Items;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The usage counters in the analytics table: atomic {@code ADD}s (what each event adds is
 * {@code AnalyticsEffects}' and {@link UsageMetrics}' to say), and the report read back. Key layout:
 * <pre>
 * pk        sk         what
 * METRICS   TOTALS     one counter per attribute (booksAdded, borrowings, loanMillis, …)
 * BOOKS     {bookId}   title and borrowCount
 * </pre>
 * plus the consumer's dedupe marks and outbox rows, summaries among them (see EventConsumer and Outbox).
 */
public final class UsageCounters {

    private static final Map<String, AttributeValue> TOTALS_KEY = key("METRICS", "TOTALS");
    private static final String BOOKS = "BOOKS";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;

    public UsageCounters(DynamoDbClient dynamoDb, String tableName, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
    }

    /** One update that adds {@code additions} to the totals ({@code booksAdded}, {@code borrowings}, …). */
    public TransactWriteItem addToTotals(Map<String, Long> additions) {
        return add(TOTALS_KEY, additions, Map.of());
    }

    /** One update of a book's row: {@code borrows} added to its count (none: the row made), its title set. */
    public TransactWriteItem addToBook(String bookId, long borrows, String title) {
        return add(key(BOOKS, bookId), borrows == 0 ? Map.of() : Map.of("borrowCount", borrows),
                Map.of("title", title));
    }

    public UsageReport report() {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName).key(TOTALS_KEY)
                .consistentRead(true)).item();
        Map<String, Long> totals = new HashMap<>();
        if (item != null) {
            item.forEach((name, value) -> {
                if (value.n() != null) {
                    totals.put(name, Long.parseLong(value.n()));
                }
            });
        }
        List<BookCount> books = new ArrayList<>();
        dynamoDb.queryPaginator(r -> r.tableName(tableName).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(BOOKS))))
                .items().forEach(book -> books.add(new BookCount(book.get(Items.SORT_KEY).s(),
                        book.containsKey("title") ? book.get("title").s() : null,
                        book.containsKey("borrowCount") ? Long.parseLong(book.get("borrowCount").n()) : 0)));
        return UsageMetrics.report(clock.instant(), totals, books);
    }

    /** One update that adds {@code additions} and sets {@code sets}, with placeholders for every name. */
    private TransactWriteItem add(Map<String, AttributeValue> key, Map<String, Long> additions,
                                  Map<String, String> sets) {
        List<String> adds = new ArrayList<>();
        List<String> assignments = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, Long> addition : additions.entrySet()) {
            names.put("#a" + i, addition.getKey());
            values.put(":a" + i, n(addition.getValue()));
            adds.add("#a" + i + " :a" + i++);
        }
        for (Map.Entry<String, String> set : sets.entrySet()) {
            names.put("#s" + i, set.getKey());
            values.put(":s" + i, s(set.getValue()));
            assignments.add("#s" + i + " = :s" + i++);
        }
        String expression = (adds.isEmpty() ? "" : "ADD " + String.join(", ", adds))
                + (assignments.isEmpty() ? "" : " SET " + String.join(", ", assignments));
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key)
                .updateExpression(expression.strip()).expressionAttributeNames(names)
                .expressionAttributeValues(values).build()).build();
    }
}
