package dev.libraryevents.audit;

import dev.libraryevents.audit.store.AuditExports;
import dev.libraryevents.audit.store.AuditQueries;
import dev.libraryevents.audit.store.Snapshots;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How every handler of the service is built from its function's environment (TABLE_NAME, and EXPORT_BUCKET for the consumer) by its no-argument
 * constructor; tests use the constructor that takes the collaborators.
 */
final class Wiring {

    private Wiring() {}

    /** The consumer's log, with its part of data exports (EXPORT_BUCKET). */
    static AuditEffects effects(DynamoDbClient dynamoDb) {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        return new AuditEffects(table, EventCodec.shared(), new AuditExports(queries(dynamoDb),
                ExportBucket.fromEnvironment(), new Outbox(table, EventCodec.shared()), EventCodec.shared(),
                Clock.systemUTC()));
    }

    static AuditQueries queries(DynamoDbClient dynamoDb) {
        return new AuditQueries(dynamoDb, AwsClients.requiredEnv("TABLE_NAME"), EventCodec.shared());
    }

    static Snapshots snapshots(DynamoDbClient dynamoDb) {
        return new Snapshots(dynamoDb, AwsClients.requiredEnv("TABLE_NAME"));
    }
}
