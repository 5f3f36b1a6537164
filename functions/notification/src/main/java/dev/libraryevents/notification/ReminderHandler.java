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

    private final Reminders reminders;

    public ReminderHandler() {
        this(Wiring.reminders(AwsClients.dynamoDb()));
    }

    public ReminderHandler(Reminders reminders) {
        super(JsonNode.class);
        this.reminders = reminders;
    }

    @Override
    protected void prime() {
        reminders.prime();
    }

    @Override
    protected Map<String, Integer> sampleAnswer() {
        return Map.of("sent", 0);
    }

    @Override
    public Map<String, Integer> handleRequest(JsonNode scheduledEvent, Context context) {
        return Map.of("sent", reminders.send());
    }
}
