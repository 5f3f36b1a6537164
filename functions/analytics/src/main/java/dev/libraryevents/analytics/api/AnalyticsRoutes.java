package dev.libraryevents.analytics.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.analytics.domain.UsageReport;
import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.Router;

/** The Analytics service's route (docs/design.md §4): {@code GET /reports/usage}. */
public final class AnalyticsRoutes {

    private AnalyticsRoutes() {}

    public static Router router(UsageCounters counters) {
        return new Router().get("/reports/usage", request -> ApiResponse.ok(json(counters.report())));
    }

    private static ObjectNode json(UsageReport report) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("generatedAt", EventCodec.timestamp(report.generatedAt()));
        UsageReport.Totals totals = report.totals();
        body.putObject("totals")
                .put("booksAdded", totals.booksAdded())
                .put("usersRegistered", totals.usersRegistered())
                .put("borrowings", totals.borrowings())
                .put("returns", totals.returns())
                .put("activeLoans", totals.activeLoans())
                .put("renewals", totals.renewals())
                .put("suspensions", totals.suspensions())
                .put("reinstatements", totals.reinstatements())
                .put("notificationsSent", totals.notificationsSent())
                .put("holdsPlaced", totals.holdsPlaced())
                .put("holdsFulfilled", totals.holdsFulfilled())
                .put("holdsCancelled", totals.holdsCancelled())
                .put("holdsExpired", totals.holdsExpired());
        ArrayNode popular = body.putArray("popularBooks");
        report.popularBooks().forEach(book -> popular.addObject()
                .put("bookId", book.bookId()).put("title", book.title()).put("borrowCount", book.borrowCount()));
        body.put("averageLoanDurationHours", report.averageLoanDurationHours());
        body.put("overdueReturns", report.overdueReturns());
        body.put("averageHoldWaitHours", report.averageHoldWaitHours());
        return body;
    }
}
