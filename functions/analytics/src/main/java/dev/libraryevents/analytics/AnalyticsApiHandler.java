package dev.libraryevents.analytics;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.libraryevents.analytics.api.AnalyticsRoutes;
import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.HttpApi;

/** Lambda entry point of {@code analytics-api}: {@code GET /reports/usage}. Needs TABLE_NAME. */
public class AnalyticsApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    public AnalyticsApiHandler() {
        this(Wiring.counters(AwsClients.dynamoDb()));
    }

    public AnalyticsApiHandler(UsageCounters counters) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(AnalyticsRoutes.router(counters));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }
}
