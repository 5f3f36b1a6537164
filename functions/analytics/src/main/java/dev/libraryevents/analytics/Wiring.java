package dev.libraryevents.analytics;

import dev.libraryevents.analytics.store.UsageCounters;
import dev.libraryevents.support.aws.AwsClients;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How every handler of the service is built from its function's environment (TABLE_NAME) by its no-argument
 * constructor; tests use the constructor that takes the collaborators.
 */
final class Wiring {

    private Wiring() {}

    static UsageCounters counters(DynamoDbClient dynamoDb) {
        return new UsageCounters(dynamoDb, AwsClients.requiredEnv("TABLE_NAME"), Clock.systemUTC());
    }
}
