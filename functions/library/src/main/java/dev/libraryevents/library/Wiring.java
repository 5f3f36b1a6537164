package dev.libraryevents.library;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How the handler is built from its function's environment (TABLE_NAME) by its no-argument constructor; tests use
 * the constructor that takes the collaborators.
 */
final class Wiring {

    private Wiring() {}

    static LibraryService service(DynamoDbClient dynamoDb) {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        return new LibraryService(new LibraryTable(dynamoDb, table, new Outbox(table, EventCodec.shared())),
                Clock.systemUTC());
    }
}
