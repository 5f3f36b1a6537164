package dev.libraryevents.analytics.domain;

import java.time.Instant;
import java.util.List;

/** {@code GET /reports/usage} (docs/design.md §4). */
public record UsageReport(Instant generatedAt, Totals totals, List<PopularBook> popularBooks,
                          double averageLoanDurationHours, long overdueReturns) {

    public record Totals(long booksAdded, long usersRegistered, long borrowings, long returns, long activeLoans,
                         long renewals, long suspensions, long reinstatements, long notificationsSent) {}

    public record PopularBook(String bookId, String title, long borrowCount) {}
}
