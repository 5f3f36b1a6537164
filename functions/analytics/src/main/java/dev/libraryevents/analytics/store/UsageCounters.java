package dev.libraryevents.analytics.store;

import static dev.libraryevents.support.aws.Items.key;
import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.analytics.domain.UsageMetrics;
import dev.libraryevents.analytics.domain.UsageMetrics.BookCount;
import dev.libraryevents.analytics.domain.UsageReport;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.BookAdded;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.consumer.BatchSummary;
import dev.libraryevents.support.consumer.EventEffects;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The usage counters in the analytics table, each effect an atomic {@code ADD} ({@link UsageMetrics} says what
 * each event adds). Key layout:
 * <pre>
 * pk        sk         what
 * METRICS   TOTALS     one counter per attribute (booksAdded, borrowings, loanMillis, …)
 * BOOKS     {bookId}   title and borrowCount
 * </pre>
 * plus the consumer's dedupe marks and outbox rows, summaries among them (see EventConsumer and Outbox).
 */
public final class UsageCounters implements EventEffects, BatchSummary {

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

    @Override
    public List<TransactWriteItem> effects(EventEnvelope event) {
        return combinedEffects(List.of(event));
    }

    /** Counters add up: a batch's events are one update of the totals and one per book they name. */
    @Override
    public boolean combinesEffects() {
        return true;
    }

    @Override
    public List<TransactWriteItem> combinedEffects(List<EventEnvelope> events) {
        Map<String, Long> totals = new TreeMap<>();
        Map<String, Long> borrowsByBook = new LinkedHashMap<>();
        Map<String, String> titleByBook = new HashMap<>();
        for (EventEnvelope event : events) {
            UsageMetrics.totalsChangedBy(event.data()).forEach((name, value) -> totals.merge(name, value, Long::sum));
            if (event.data() instanceof BookAdded added) {
                borrowsByBook.putIfAbsent(added.bookId(), 0L);
                titleByBook.put(added.bookId(), added.title());
            }
            if (event.data() instanceof BookBorrowed borrowed) {
                borrowsByBook.merge(borrowed.bookId(), 1L, Long::sum);
                titleByBook.put(borrowed.bookId(), borrowed.bookTitle());
            }
        }
        List<TransactWriteItem> items = new ArrayList<>();
        if (!totals.isEmpty()) {
            items.add(add(TOTALS_KEY, totals, Map.of()));
        }
        borrowsByBook.forEach((bookId, borrows) -> items.add(add(key(BOOKS, bookId),
                borrows == 0 ? Map.of() : Map.of("borrowCount", borrows), Map.of("title", titleByBook.get(bookId)))));
        return items;
    }

    @Override
    public String aggregateId() {
        return "usage";
    }

    @Override
    public Optional<EventData> summarize(List<EventEnvelope> processed) {
        return Optional.of(UsageMetrics.summarize(processed));
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
