package dev.libraryevents.analytics.domain;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.AnalyticsUpdated;
import dev.libraryevents.events.EventData.BookAdded;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.HoldCancelled;
import dev.libraryevents.events.EventData.HoldExpired;
import dev.libraryevents.events.EventData.HoldFulfilled;
import dev.libraryevents.events.EventData.HoldPlaced;
import dev.libraryevents.events.EventData.HoldReady;
import dev.libraryevents.events.EventData.LoanRenewed;
import dev.libraryevents.events.EventData.NotificationSent;
import dev.libraryevents.events.EventData.UserRegistered;
import dev.libraryevents.events.EventData.UserReinstated;
import dev.libraryevents.events.EventData.UserSuspended;
import dev.libraryevents.events.EventEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What usage means, apart from how it is stored. Every event only adds to counters, and additions commute, so the
 * counters end the same in any delivery order; derived figures (active loans, average duration, the top books) are
 * computed when the report is read, never stored. Pure: events and counters in, additions and the report out.
 */
public final class UsageMetrics {

    public static final int POPULAR_BOOKS = 10;

    /** A book as counted: its title (once known) and how often it was borrowed. */
    public record BookCount(String bookId, String title, long borrowCount) {}

    private UsageMetrics() {}

    /** The totals an event adds to, and by how much. */
    public static Map<String, Long> totalsChangedBy(EventData data) {
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
        } else if (data instanceof LoanRenewed) {
            totals.put("renewals", 1L);
        } else if (data instanceof UserSuspended) {
            totals.put("suspensions", 1L);
        } else if (data instanceof UserReinstated) {
            totals.put("reinstatements", 1L);
        } else if (data instanceof NotificationSent) {
            totals.put("notificationsSent", 1L);
        } else if (data instanceof HoldPlaced) {
            totals.put("holdsPlaced", 1L);
        } else if (data instanceof HoldReady ready) {
            totals.put("holdsReady", 1L);
            totals.put("holdWaitMillis", Duration.between(ready.placedAt(), ready.readyAt()).toMillis());
        } else if (data instanceof HoldFulfilled) {
            totals.put("holdsFulfilled", 1L);
        } else if (data instanceof HoldCancelled) {
            totals.put("holdsCancelled", 1L);
        } else if (data instanceof HoldExpired) {
            totals.put("holdsExpired", 1L);
        }
        return totals;
    }

    /** One AnalyticsUpdated for a batch: how many events, and which figures of the report they moved. */
    public static AnalyticsUpdated summarize(List<EventEnvelope> processed) {
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
        return new AnalyticsUpdated(processed.size(), List.copyOf(metrics));
    }

    /** The report from the stored counters ({@code totals} by name, absent = 0) and every counted book. */
    public static UsageReport report(Instant now, Map<String, Long> totals, List<BookCount> books) {
        long borrowings = totals.getOrDefault("borrowings", 0L);
        long returns = totals.getOrDefault("returns", 0L);
        List<UsageReport.PopularBook> popular = new ArrayList<>();
        books.stream().filter(book -> book.borrowCount() > 0)
                .sorted(Comparator.comparingLong(BookCount::borrowCount).reversed()
                        .thenComparing(BookCount::bookId))
                .limit(POPULAR_BOOKS)
                .forEach(book -> popular.add(new UsageReport.PopularBook(book.bookId(), book.title(),
                        book.borrowCount())));
        double averageHours = averageHours(totals.getOrDefault("loanMillis", 0L), returns);
        double averageHoldWait = averageHours(totals.getOrDefault("holdWaitMillis", 0L),
                totals.getOrDefault("holdsReady", 0L));
        return new UsageReport(now,
                new UsageReport.Totals(totals.getOrDefault("booksAdded", 0L),
                        totals.getOrDefault("usersRegistered", 0L), borrowings, returns,
                        Math.max(0, borrowings - returns), totals.getOrDefault("renewals", 0L),
                        totals.getOrDefault("suspensions", 0L),
                        totals.getOrDefault("reinstatements", 0L), totals.getOrDefault("notificationsSent", 0L),
                        totals.getOrDefault("holdsPlaced", 0L), totals.getOrDefault("holdsFulfilled", 0L),
                        totals.getOrDefault("holdsCancelled", 0L), totals.getOrDefault("holdsExpired", 0L)),
                popular, averageHours, totals.getOrDefault("overdueReturns", 0L), averageHoldWait);
    }

    /** Hours on average, to two decimals; 0 when nothing was counted. */
    private static double averageHours(long totalMillis, long count) {
        return count == 0 ? 0 : Math.round(totalMillis / (double) count / Duration.ofHours(1).toMillis() * 100) / 100.0;
    }

    private static String metricName(String counter) {
        return switch (counter) {
            case "loanMillis" -> "averageLoanDurationHours";
            case "holdWaitMillis", "holdsReady" -> "averageHoldWaitHours";
            case "overdueReturns" -> "overdueReturns";
            default -> "totals." + counter;
        };
    }
}
