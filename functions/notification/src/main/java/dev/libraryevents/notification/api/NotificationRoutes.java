package dev.libraryevents.notification.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.notification.Inbox;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.support.http.ApiResponse;
import dev.libraryevents.support.http.Router;
import java.util.List;

/** The Notification service's route (docs/design.md §4): {@code GET /users/{userId}/notifications}, newest first. */
public final class NotificationRoutes {

    private NotificationRoutes() {}

    public static Router router(Inbox inbox) {
        return new Router().get("/users/{userId}/notifications",
                request -> ApiResponse.ok(inbox(inbox.of(request.pathParameter("userId")))));
    }

    /** An inbox as the API answers it, and as a data export holds it: {@code {items: [...]}}, newest first. */
    public static ObjectNode inbox(List<Notification> inbox) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("items");
        for (Notification n : inbox) {
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
