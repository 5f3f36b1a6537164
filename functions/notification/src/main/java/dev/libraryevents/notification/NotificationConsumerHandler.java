package dev.libraryevents.notification;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.consumer.EventConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code notification-consumer}: the notification queue's batches. */
public class NotificationConsumerHandler extends JsonHandler<SQSEvent, SQSBatchResponse> {

    private final EventConsumer consumer;
    private final NotificationService notifications;

    public NotificationConsumerHandler() {
        this(AwsClients.dynamoDb());
    }

    private NotificationConsumerHandler(DynamoDbClient dynamoDb) {
        this(EventConsumer.forFunctionTable(dynamoDb), Wiring.service(dynamoDb));
    }

    public NotificationConsumerHandler(EventConsumer consumer, NotificationService notifications) {
        super(SQSEvent.class);
        this.consumer = consumer;
        this.notifications = notifications;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent batch, Context context) {
        return consumer.consume(batch, notifications, null);
    }
}
