package dev.libraryevents.notification;

import dev.libraryevents.notification.api.NotificationRoutes;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.http.ApiHandler;

/** Lambda entry point of {@code notification-api}: {@code GET /users/{userId}/notifications}. Needs TABLE_NAME. */
public class NotificationApiHandler extends ApiHandler {

    public NotificationApiHandler() {
        this(Wiring.inbox(AwsClients.dynamoDb()));
    }

    public NotificationApiHandler(Inbox inbox) {
        super(NotificationRoutes.router(inbox), "GET /users/" + randomId() + "/notifications");
    }
}
