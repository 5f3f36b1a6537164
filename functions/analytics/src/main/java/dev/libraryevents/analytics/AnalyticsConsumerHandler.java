package dev.libraryevents.analytics;

import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.consumer.ConsumerHandler;
import dev.libraryevents.support.consumer.EventConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code analytics-consumer}: counts every event, one AnalyticsUpdated per batch. */
public class AnalyticsConsumerHandler extends ConsumerHandler {

    public AnalyticsConsumerHandler() {
        this(AwsClients.dynamoDb());
    }

    private AnalyticsConsumerHandler(DynamoDbClient dynamoDb) {
        this(EventConsumer.forFunctionTable(dynamoDb, "analytics"), Wiring.counters(dynamoDb));
    }

    public AnalyticsConsumerHandler(EventConsumer consumer, UsageCounters counters) {
        this(consumer, new AnalyticsEffects(counters));
    }

    private AnalyticsConsumerHandler(EventConsumer consumer, AnalyticsEffects effects) {
        super(consumer, effects, effects);
    }
}
