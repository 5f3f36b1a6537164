package dev.libraryevents.library;

import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.consumer.ConsumerHandler;
import dev.libraryevents.support.consumer.EventConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Lambda entry point of {@code library-consumer}: the parts of data exports that the other services announce, and
 * the suspensions and erasures that cancel holds ({@link LibraryEffects}). Needs TABLE_NAME, KEY_TABLE,
 * EXPORT_BUCKET and HOLD_PICKUP_WINDOW.
 */
public class LibraryConsumerHandler extends ConsumerHandler {

    public LibraryConsumerHandler() {
        this(AwsClients.dynamoDb());
    }

    private LibraryConsumerHandler(DynamoDbClient dynamoDb) {
        this(EventConsumer.forFunctionTable(dynamoDb, "library"), Wiring.effects(Wiring.service(dynamoDb)));
    }

    public LibraryConsumerHandler(EventConsumer consumer, LibraryEffects effects) {
        super(consumer, effects, null); // DataExportCompleted is the saga's own event, not a batch summary
    }
}
