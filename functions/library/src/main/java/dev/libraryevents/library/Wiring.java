package dev.libraryevents.library;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How the handler is built from its function's environment (TABLE_NAME; KEY_TABLE and DATA_KEY_ID for personal data;
 * EXPORT_BUCKET for data exports) by its no-argument constructor; tests use
 * the constructor that takes the collaborators.
 */
final class Wiring {

    private Wiring() {}

    /** The export saga's side in this service: {@code EXPORT_BUCKET}, besides the service's own settings. */
    static DataExports exports(LibraryService library) {
        return new DataExports(library.table(), library, ExportBucket.fromEnvironment(), Clock.systemUTC());
    }

    /** What the library consumer does with the parts of an export: {@code EXPORT_BUCKET}, besides the rest. */
    static LibraryEffects effects(LibraryService library) {
        return new LibraryEffects(library.table(), library, ExportBucket.fromEnvironment(), Clock.systemUTC());
    }

    static LibraryService service(DynamoDbClient dynamoDb) {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        return new LibraryService(new LibraryTable(dynamoDb, table, new Outbox(table, EventCodec.shared())),
                PersonalData.fromEnvironment(), Clock.systemUTC());
    }
}
