package dev.libraryevents.analytics;

import dev.libraryevents.analytics.domain.UsageMetrics;
import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.events.EventData.BookAdded;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.consumer.BatchSummary;
import dev.libraryevents.support.consumer.EventEffects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What Analytics does with the events it consumes: it adds them up. Counters add, so a batch's events are one update
 * of the totals and one per book they name ({@link #combinesEffects()}), committed with the batch's marks; and each
 * batch that took effect is summarized as one {@code AnalyticsUpdated}.
 */
public final class AnalyticsEffects implements EventEffects, BatchSummary {

    private final UsageCounters counters;

    public AnalyticsEffects(UsageCounters counters) {
        this.counters = counters;
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
            items.add(counters.addToTotals(totals));
        }
        borrowsByBook.forEach((bookId, borrows) -> items.add(counters.addToBook(bookId, borrows,
                titleByBook.get(bookId))));
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
}
