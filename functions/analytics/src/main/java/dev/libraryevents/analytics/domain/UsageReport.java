package dev.libraryevents.analytics.domain;

import java.time.Instant;
import java.util.List;

/** {@code GET /reports/usage} (docs/design.md §4; holds and their average wait, placed to ready, §4d). */
public record UsageReport(Instant generatedAt, Totals totals, List<PopularBook> popularBooks,
                          double averageLoanDurationHours, long overdueReturns, double averageHoldWaitHours) {

    public record Totals(long booksAdded, long usersRegistered, long borrowings, long returns, long activeLoans,
                         long renewals, long suspensions, long reinstatements, long notificationsSent,
                         long holdsPlaced, long holdsFulfilled, long holdsCancelled, long holdsExpired) {}

    public record PopularBook(String bookId, String title, long borrowCount) {}
}
