package dev.libraryevents.notification;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.libraryevents.support.aws.AwsClients;
import java.util.Map;

/** Lambda entry point of {@code notification-reminders}, fired by the daily schedule rule. */
public class ReminderHandler implements RequestHandler<ScheduledEvent, Map<String, Integer>> {

    private final NotificationService notifications;

    public ReminderHandler() {
        this(Wiring.service(AwsClients.dynamoDb()));
    }

    public ReminderHandler(NotificationService notifications) {
        this.notifications = notifications;
    }

    @Override
    public Map<String, Integer> handleRequest(ScheduledEvent event, Context context) {
        return Map.of("sent", notifications.sendReminders());
    }
}
