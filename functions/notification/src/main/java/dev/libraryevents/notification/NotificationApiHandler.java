package dev.libraryevents.notification;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.libraryevents.notification.api.NotificationRoutes;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.HttpApi;

/** Lambda entry point of {@code notification-api}: {@code GET /users/{userId}/notifications}. Needs TABLE_NAME. */
public class NotificationApiHandler
        extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    public NotificationApiHandler() {
        this(Wiring.service(AwsClients.dynamoDb()));
    }

    public NotificationApiHandler(NotificationService notifications) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(NotificationRoutes.router(notifications));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }
}
