package dev.libraryevents.analytics;

import dev.libraryevents.analytics.api.AnalyticsRoutes;
import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.http.ApiHandler;

/** Lambda entry point of {@code analytics-api}: {@code GET /reports/usage}. Needs TABLE_NAME. */
public class AnalyticsApiHandler extends ApiHandler {

    public AnalyticsApiHandler() {
        this(Wiring.counters(AwsClients.dynamoDb()));
    }

    public AnalyticsApiHandler(UsageCounters counters) {
        super(AnalyticsRoutes.router(counters), "GET /reports/usage");
    }
}
