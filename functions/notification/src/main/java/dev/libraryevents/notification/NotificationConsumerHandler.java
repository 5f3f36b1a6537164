package dev.libraryevents.notification;

import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.consumer.ConsumerHandler;
import dev.libraryevents.support.consumer.EventConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code notification-consumer}: the notification queue's batches. */
public class NotificationConsumerHandler extends ConsumerHandler {

    public NotificationConsumerHandler() {
        this(AwsClients.dynamoDb());
    }

    private NotificationConsumerHandler(DynamoDbClient dynamoDb) {
        this(EventConsumer.forFunctionTable(dynamoDb, "notification"), Wiring.effects(dynamoDb));
    }

    public NotificationConsumerHandler(EventConsumer consumer, NotificationEffects notifications) {
        super(consumer, notifications, null); // one NotificationSent per notification, from the service itself
    }
}
