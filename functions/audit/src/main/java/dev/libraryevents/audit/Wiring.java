package dev.libraryevents.audit;

import dev.libraryevents.audit.store.AuditLog;
import dev.libraryevents.audit.store.AuditQueries;
import dev.libraryevents.audit.store.Snapshots;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.AwsClients;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How every handler of the service is built from its function's environment (TABLE_NAME) by its no-argument
 * constructor; tests use the constructor that takes the collaborators.
 */
final class Wiring {

    private Wiring() {}

    static AuditLog log() {
        return new AuditLog(AwsClients.requiredEnv("TABLE_NAME"), EventCodec.shared());
    }

    static AuditQueries queries(DynamoDbClient dynamoDb) {
        return new AuditQueries(dynamoDb, AwsClients.requiredEnv("TABLE_NAME"), EventCodec.shared());
    }

    static Snapshots snapshots(DynamoDbClient dynamoDb) {
        return new Snapshots(dynamoDb, AwsClients.requiredEnv("TABLE_NAME"));
    }
}
