package dev.libraryevents.analytics;

import static dev.libraryevents.support.aws.Items.key;
import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.AnalyticsUpdated;
import dev.libraryevents.events.EventData.BookAdded;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.NotificationSent;
import dev.libraryevents.events.EventData.UserRegistered;
import dev.libraryevents.events.EventData.UserSuspended;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.consumer.BatchSummary;
import dev.libraryevents.support.consumer.EventEffects;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Usage metrics from every event. Every effect is an atomic {@code ADD}, and additions commute, so the counters end
 * the same in any delivery order; derived figures (active loans, average duration) are computed when the report is
 * read, never stored. Table layout: {@code METRICS/TOTALS} (one counter per attribute) and {@code BOOKS/{bookId}}
 * (title and borrowCount), plus the consumer's dedupe marks, summary sequence and outbox.
 */
public final class UsageCounters implements EventEffects, BatchSummary {

    public static final int POPULAR_BOOKS = 10;
    private static final Map<String, AttributeValue> TOTALS_KEY = key("METRICS", "TOTALS");

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
        Map<String, Long> totals = totalsChangedBy(event.data());
        List<TransactWriteItem> items = new ArrayList<>();
        if (!totals.isEmpty()) {
            items.add(add(TOTALS_KEY, totals, Map.of()));
        }
        if (event.data() instanceof BookAdded added) {
            items.add(add(bookKey(added.bookId()), Map.of(), Map.of("title", added.title())));
        }
        if (event.data() instanceof BookBorrowed borrowed) {
            items.add(add(bookKey(borrowed.bookId()), Map.of("borrowCount", 1L), Map.of("title", borrowed.bookTitle())));
        }
        return items;
    }

    @Override
    public String aggregateId() {
        return "usage";
    }

    @Override
    public Optional<EventData> summarize(List<EventEnvelope> processed) {
        Set<String> metrics = new LinkedHashSet<>();
        for (EventEnvelope event : processed) {
            totalsChangedBy(event.data()).keySet().forEach(name -> metrics.add(metricName(name)));
            if (event.data() instanceof BookBorrowed) {
                metrics.add("popularBooks");
            }
            if (event.data() instanceof BookBorrowed || event.data() instanceof BookReturned) {
                metrics.add("totals.activeLoans");
            }
        }
        return Optional.of(new AnalyticsUpdated(processed.size(), List.copyOf(metrics)));
    }

    public UsageReport report() {
        Map<String, AttributeValue> totals = dynamoDb.getItem(r -> r.tableName(tableName).key(TOTALS_KEY)
                .consistentRead(true)).item();
        long borrowings = count(totals, "borrowings");
        long returns = count(totals, "returns");
        List<UsageReport.PopularBook> books = new ArrayList<>();
        dynamoDb.queryPaginator(r -> r.tableName(tableName).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s("BOOKS"))))
                .items().forEach(item -> {
                    long borrowCount = count(item, "borrowCount");
                    if (borrowCount > 0) {
                        books.add(new UsageReport.PopularBook(item.get(Items.SORT_KEY).s(),
                                item.containsKey("title") ? item.get("title").s() : null, borrowCount));
                    }
                });
        books.sort(Comparator.comparingLong(UsageReport.PopularBook::borrowCount).reversed()
                .thenComparing(UsageReport.PopularBook::bookId));
        double averageHours = returns == 0 ? 0
                : Math.round(count(totals, "loanMillis") / (double) returns / Duration.ofHours(1).toMillis() * 100)
                        / 100.0;
        return new UsageReport(Instant.now(clock),
                new UsageReport.Totals(count(totals, "booksAdded"), count(totals, "usersRegistered"), borrowings,
                        returns, Math.max(0, borrowings - returns), count(totals, "suspensions"),
                        count(totals, "notificationsSent")),
                books.subList(0, Math.min(POPULAR_BOOKS, books.size())), averageHours,
                count(totals, "overdueReturns"));
    }

    private static Map<String, Long> totalsChangedBy(EventData data) {
        Map<String, Long> totals = new LinkedHashMap<>();
        if (data instanceof BookAdded) {
            totals.put("booksAdded", 1L);
        } else if (data instanceof UserRegistered) {
            totals.put("usersRegistered", 1L);
        } else if (data instanceof BookBorrowed) {
            totals.put("borrowings", 1L);
        } else if (data instanceof BookReturned returned) {
            totals.put("returns", 1L);
            totals.put("loanMillis", Duration.between(returned.borrowedAt(), returned.returnedAt()).toMillis());
            if (returned.overdue()) {
                totals.put("overdueReturns", 1L);
            }
        } else if (data instanceof UserSuspended) {
            totals.put("suspensions", 1L);
        } else if (data instanceof NotificationSent) {
            totals.put("notificationsSent", 1L);
        }
        return totals;
    }

    private static String metricName(String counter) {
        return switch (counter) {
            case "loanMillis" -> "averageLoanDurationHours";
            case "overdueReturns" -> "overdueReturns";
            default -> "totals." + counter;
        };
    }

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

    private static Map<String, AttributeValue> bookKey(String bookId) {
        return key("BOOKS", bookId);
    }

    private static long count(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item == null ? null : item.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }

}
