package dev.libraryevents.analytics;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.consumer.EventConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code analytics-consumer}: counts every event, one AnalyticsUpdated per batch. */
public class AnalyticsConsumerHandler extends JsonHandler<SQSEvent, SQSBatchResponse> {

    private final EventConsumer consumer;
    private final UsageCounters counters;

    public AnalyticsConsumerHandler() {
        this(AwsClients.dynamoDb());
    }

    private AnalyticsConsumerHandler(DynamoDbClient dynamoDb) {
        this(EventConsumer.forFunctionTable(dynamoDb), Wiring.counters(dynamoDb));
    }

    public AnalyticsConsumerHandler(EventConsumer consumer, UsageCounters counters) {
        super(SQSEvent.class);
        this.consumer = consumer;
        this.counters = counters;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent batch, Context context) {
        return consumer.consume(batch, counters, counters);
    }
}
