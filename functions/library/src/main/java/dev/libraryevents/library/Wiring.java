package dev.libraryevents.library;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.library.domain.HoldRules;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * How the handler is built from its function's environment (TABLE_NAME; KEY_TABLE and DATA_KEY_ID for personal data;
 * EXPORT_BUCKET for data exports; HOLD_PICKUP_WINDOW for holds) by its no-argument constructor; tests use
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
        return new LibraryService(table(dynamoDb), PersonalData.fromEnvironment(), Clock.systemUTC(), pickupWindow());
    }

    /** The holds alone, for the expiry sweep: it moves sealed names as they are and opens none, so holds no keys. */
    static Holds holds(DynamoDbClient dynamoDb) {
        return new LibraryService(table(dynamoDb), null, Clock.systemUTC(), pickupWindow()).holds();
    }

    private static LibraryTable table(DynamoDbClient dynamoDb) {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        return new LibraryTable(dynamoDb, table, new Outbox(table, EventCodec.shared()));
    }

    /** {@code HOLD_PICKUP_WINDOW}, an ISO-8601 duration (the CDK context {@code holdPickupWindow}); 3 days if unset. */
    static Duration pickupWindow() {
        String window = System.getenv("HOLD_PICKUP_WINDOW");
        return window == null || window.isBlank() ? HoldRules.DEFAULT_PICKUP_WINDOW : Duration.parse(window);
    }
}
