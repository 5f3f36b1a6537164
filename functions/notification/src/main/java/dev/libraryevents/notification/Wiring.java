package dev.libraryevents.notification;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.notification.channel.EmailSender;
import dev.libraryevents.notification.channel.SesEmailSender;
import dev.libraryevents.notification.store.NotificationTable;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * How every handler of the service is built from its function's environment (TABLE_NAME, KEY_TABLE, EXPORT_BUCKET for
 * the consumer, and SENDER_EMAIL to turn email on) by its no-argument constructor; tests use the constructor that takes the collaborators.
 */
final class Wiring {

    private Wiring() {}

    /**
     * @param opensPersonalData whether the function words welcomes and addresses emails (the consumer, the
     *                          reminders: KEY_TABLE is then required) or only reads the inbox (the API)
     */
    static NotificationService service(DynamoDbClient dynamoDb, boolean opensPersonalData) {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        String sender = System.getenv("SENDER_EMAIL");
        Optional<EmailSender> email = sender == null || sender.isBlank()
                ? Optional.empty()
                : Optional.of(new SesEmailSender(AwsClients.build(SesV2Client.builder()), sender));
        return new NotificationService(new NotificationTable(dynamoDb, table, new Outbox(table, EventCodec.shared())),
                dynamoDb, email, opensPersonalData ? PersonalData.fromEnvironment() : null,
                System.getenv("EXPORT_BUCKET") == null ? null : ExportBucket.fromEnvironment(), Clock.systemUTC());
    }
}
