package dev.libraryevents.notification;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.HttpApi;
import dev.libraryevents.support.http.Router;

/** Lambda entry point of {@code notification-api}: {@code GET /users/{userId}/notifications}, newest first. */
public class NotificationApiHandler
        extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    public NotificationApiHandler() {
        this(Wiring.service(AwsClients.dynamoDb()));
    }

    public NotificationApiHandler(NotificationService notifications) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(new Router().get("/users/{userId}/notifications",
                request -> ApiResponse.ok(inbox(notifications, request.pathParameter("userId")))));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }

    private static ObjectNode inbox(NotificationService notifications, String userId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("items");
        for (Notification n : notifications.inbox(userId)) {
            items.addObject()
                    .put("notificationId", n.notificationId())
                    .put("userId", n.userId())
                    .put("kind", n.kind().name())
                    .put("message", n.message())
                    .put("createdAt", EventCodec.timestamp(n.createdAt()))
                    .put("sourceEventId", n.sourceEventId())
                    .put("correlationId", n.correlationId());
        }
        return body;
    }
}
