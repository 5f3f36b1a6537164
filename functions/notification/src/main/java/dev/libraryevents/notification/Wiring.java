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

    /** What the consumer does with the events (KEY_TABLE and, for data exports, EXPORT_BUCKET required). */
    static NotificationEffects effects(DynamoDbClient dynamoDb) {
        NotificationTable table = table(dynamoDb);
        PersonalData personalData = PersonalData.fromEnvironment();
        return new NotificationEffects(table, emails(table, personalData), personalData,
                System.getenv("EXPORT_BUCKET") == null ? null : ExportBucket.fromEnvironment(), Clock.systemUTC());
    }

    /** The daily reminder run (KEY_TABLE required: an email's address is opened to send it). */
    static Reminders reminders(DynamoDbClient dynamoDb) {
        NotificationTable table = table(dynamoDb);
        PersonalData personalData = PersonalData.fromEnvironment();
        return new Reminders(table, dynamoDb, emails(table, personalData), personalData, Clock.systemUTC());
    }

    /** The API's read of an inbox: no personal data is opened. */
    static Inbox inbox(DynamoDbClient dynamoDb) {
        return new Inbox(table(dynamoDb));
    }

    private static NotificationTable table(DynamoDbClient dynamoDb) {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        return new NotificationTable(dynamoDb, table, new Outbox(table, EventCodec.shared()));
    }

    /** Email goes out when SENDER_EMAIL names a verified sender. */
    private static NotificationEmails emails(NotificationTable table, PersonalData personalData) {
        String sender = System.getenv("SENDER_EMAIL");
        Optional<EmailSender> email = sender == null || sender.isBlank()
                ? Optional.empty()
                : Optional.of(new SesEmailSender(AwsClients.build(SesV2Client.builder()), sender));
        return new NotificationEmails(table, email, personalData);
    }
}
