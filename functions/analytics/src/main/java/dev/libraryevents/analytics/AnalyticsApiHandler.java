package dev.libraryevents.analytics;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.HttpApi;
import dev.libraryevents.support.http.Router;
import java.time.Clock;

/** Lambda entry point of {@code analytics-api}: {@code GET /reports/usage}. */
public class AnalyticsApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    public AnalyticsApiHandler() {
        this(new UsageCounters(AwsClients.dynamoDb(), AwsClients.requiredEnv("TABLE_NAME"), Clock.systemUTC()));
    }

    public AnalyticsApiHandler(UsageCounters counters) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(new Router().get("/reports/usage", request -> ApiResponse.ok(json(counters.report()))));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
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
                .put("suspensions", totals.suspensions())
                .put("notificationsSent", totals.notificationsSent());
        ArrayNode popular = body.putArray("popularBooks");
        report.popularBooks().forEach(book -> popular.addObject()
                .put("bookId", book.bookId()).put("title", book.title()).put("borrowCount", book.borrowCount()));
        body.put("averageLoanDurationHours", report.averageLoanDurationHours());
        body.put("overdueReturns", report.overdueReturns());
        return body;
    }
}
