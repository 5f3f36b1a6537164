package dev.libraryevents.audit;

import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.consumer.ConsumerHandler;
import dev.libraryevents.support.consumer.EventConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code audit-consumer}: appends every event to the audit log, one AuditLogged per batch. */
public class AuditConsumerHandler extends ConsumerHandler {

    public AuditConsumerHandler() {
        this(AwsClients.dynamoDb());
    }

    private AuditConsumerHandler(DynamoDbClient dynamoDb) {
        this(EventConsumer.forFunctionTable(dynamoDb, "audit"), Wiring.effects(dynamoDb));
    }

    public AuditConsumerHandler(EventConsumer consumer, AuditEffects effects) {
        super(consumer, effects, effects);
    }
}
