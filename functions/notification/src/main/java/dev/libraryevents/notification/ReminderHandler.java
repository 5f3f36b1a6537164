package dev.libraryevents.notification;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import java.util.Map;

/**
 * Lambda entry point of {@code notification-reminders}, fired by the daily schedule rule. Only the event's arrival
 * matters, so it stays a JSON tree (the events library's {@code ScheduledEvent} would need Joda-Time).
 */
public class ReminderHandler extends JsonHandler<JsonNode, Map<String, Integer>> {

    private final NotificationService notifications;

    public ReminderHandler() {
        this(Wiring.service(AwsClients.dynamoDb(), true));
    }

    public ReminderHandler(NotificationService notifications) {
        super(JsonNode.class);
        this.notifications = notifications;
    }

    @Override
    protected void prime() {
        notifications.primeReminders();
    }

    @Override
    protected Map<String, Integer> sampleAnswer() {
        return Map.of("sent", 0);
    }

    @Override
    public Map<String, Integer> handleRequest(JsonNode scheduledEvent, Context context) {
        return Map.of("sent", notifications.sendReminders());
    }
}
