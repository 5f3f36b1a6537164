package dev.libraryevents.notification.store;

import static dev.libraryevents.support.aws.Items.key;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData.NotificationSent;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.notification.domain.ActiveLoan;
import dev.libraryevents.notification.domain.Notification;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The notification table:
 * <pre>
 * pk                   sk                                   what
 * USER#{userId}        PROFILE                              name and email, sealed, from UserRegistered; after
 *                                                           UserErased a tombstone ({@code erased}) without them
 * USER#{userId}        NOTIFICATION#{createdAt}#{id}        the inbox, newest last in key order
 * LOAN#{borrowingId}   LOAN                                 the loan as of its highest sequence seen
 * REMINDER#{id}#{day}  REMINDER                             a reminder was sent for this loan that day
 * PROCESSED#{aggregateType}#{aggregateId}#{sequence}, OUTBOX#…              see EventConsumer and Outbox
 * </pre>
 * Index {@code byDue} ({@code byDuePk} = ACTIVE, {@code byDueSk} = dueAt#borrowingId) holds only active loans:
 * the attributes are left out once a loan is returned, so the daily reminder run reads just what is out.
 */
public final class NotificationTable {

    public static final String DUE_INDEX = "byDue";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Outbox outbox;

    public NotificationTable(DynamoDbClient dynamoDb, String tableName, Outbox outbox) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.outbox = outbox;
    }

    /** The inbox row and its NotificationSent event, to commit together. */
    public List<TransactWriteItem> record(Notification notification, String channel, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Items.PARTITION_KEY, s("USER#" + notification.userId()));
        item.put(Items.SORT_KEY, s("NOTIFICATION#" + EventCodec.timestamp(notification.createdAt()) + "#"
                + notification.notificationId()));
        item.put("notificationId", s(notification.notificationId()));
        item.put("userId", s(notification.userId()));
        item.put("kind", s(notification.kind().name()));
        item.put("message", s(notification.message()));
        item.put("createdAt", s(EventCodec.timestamp(notification.createdAt())));
        item.put("correlationId", s(notification.correlationId()));
        item.put("channel", s(channel));
        if (notification.sourceEventId() != null) {
            item.put("sourceEventId", s(notification.sourceEventId()));
        }
        EventEnvelope sent = EventEnvelope.create(new NotificationSent(notification.notificationId(),
                        notification.userId(), notification.kind().name(), channel),
                notification.notificationId(), 1, now, notification.correlationId(), notification.sourceEventId(),
                EventEnvelope.Actor.SYSTEM); // caused by an event or the reminder schedule, never by a request
        return List.of(TransactionItems.putIfAbsent(tableName, item), outbox.append(sent));
    }

    /** An event of this service that is not a notification's (a data export's part), as its outbox row. */
    public TransactWriteItem exported(EventEnvelope event) {
        return outbox.append(event);
    }

    /** Written once, by the user's UserRegistered. */
    public TransactWriteItem profile(String userId, String name, String email) {
        return TransactionItems.putIfAbsent(tableName, Map.of(Items.PARTITION_KEY, s("USER#" + userId),
                Items.SORT_KEY, s("PROFILE"), "name", s(name), "email", s(email)));
    }

    /** The address to email, as stored (sealed); empty when the user was never seen or was erased. */
    public Optional<String> email(String userId) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName)
                .key(key("USER#" + userId, "PROFILE"))).item();
        return item == null || !item.containsKey("email") ? Optional.empty() : Optional.of(item.get("email").s());
    }

    /**
     * The erasure (docs/design.md §4b), as conditional puts that change nothing when repeated: each inbox message of
     * the user with its text replaced by {@code [erased]}, then the profile replaced by a tombstone, which a late or
     * replayed UserRegistered's put-if-absent cannot overwrite.
     */
    public List<TransactWriteItem> erasure(String userId) {
        List<TransactWriteItem> writes = new ArrayList<>();
        inboxItems(userId).forEach(message -> {
            Map<String, AttributeValue> redacted = new HashMap<>(message);
            redacted.put("message", s(PersonalData.ERASED));
            writes.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(redacted)
                    .conditionExpression("attribute_exists(pk)").build()).build());
        });
        writes.add(TransactWriteItem.builder().put(Put.builder().tableName(tableName)
                .item(Map.of(Items.PARTITION_KEY, s("USER#" + userId), Items.SORT_KEY, s("PROFILE"),
                        "erased", AttributeValue.fromBool(true)))
                .conditionExpression("attribute_not_exists(erased)").build()).build());
        return writes;
    }

    /**
     * The loan as of event {@code sequence}, written only over an older version (or none): one conditional put
     * that a late BookBorrowed cannot win over the BookReturned that came first, and that a redelivery repeats
     * without effect. No read, no transaction.
     */
    public TransactWriteItem loan(ActiveLoan loan, boolean active, long sequence) {
        Map<String, AttributeValue> item = new HashMap<>(loanKey(loan.borrowingId()));
        item.put("borrowingId", s(loan.borrowingId()));
        item.put("userId", s(loan.userId()));
        item.put("bookTitle", s(loan.bookTitle()));
        item.put("dueAt", s(EventCodec.timestamp(loan.dueAt())));
        item.put("status", s(active ? "ACTIVE" : "RETURNED"));
        item.put("sequence", AttributeValue.fromN(Long.toString(sequence)));
        if (active) {
            item.put(DUE_INDEX + "Pk", s("ACTIVE"));
            item.put(DUE_INDEX + "Sk", s(EventCodec.timestamp(loan.dueAt()) + "#" + loan.borrowingId()));
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(pk) OR #sequence < :sequence")
                .expressionAttributeNames(Map.of("#sequence", "sequence"))
                .expressionAttributeValues(Map.of(":sequence", AttributeValue.fromN(Long.toString(sequence))))
                .build()).build();
    }

    /** Active loans due at or before {@code limit}, overdue ones included. */
    public List<ActiveLoan> activeLoansDueBy(Instant limit) {
        return dynamoDb.queryPaginator(r -> r.tableName(tableName).indexName(DUE_INDEX)
                        .keyConditionExpression("#pk = :active AND #sk <= :limit")
                        .expressionAttributeNames(Map.of("#pk", DUE_INDEX + "Pk", "#sk", DUE_INDEX + "Sk"))
                        .expressionAttributeValues(Map.of(":active", s("ACTIVE"),
                                ":limit", s(EventCodec.timestamp(limit) + "#~"))))
                .items().stream()
                .map(item -> new ActiveLoan(item.get("borrowingId").s(), item.get("userId").s(),
                        item.get("bookTitle").s(), OffsetDateTime.parse(item.get("dueAt").s()).toInstant()))
                .toList();
    }

    public TransactWriteItem reminderMark(String borrowingId, LocalDate day) {
        return TransactionItems.putIfAbsent(tableName,
                key("REMINDER#" + borrowingId + "#" + day, "REMINDER"));
    }

    /** Newest first. */
    public List<Notification> inbox(String userId) {
        return inboxItems(userId).stream()
                .map(item -> new Notification(item.get("notificationId").s(), item.get("userId").s(),
                        Notification.Kind.valueOf(item.get("kind").s()), item.get("message").s(),
                        OffsetDateTime.parse(item.get("createdAt").s()).toInstant(),
                        item.containsKey("sourceEventId") ? item.get("sourceEventId").s() : null,
                        item.get("correlationId").s()))
                .toList();
    }

    /** The user's inbox rows, newest first. */
    private List<Map<String, AttributeValue>> inboxItems(String userId) {
        return dynamoDb.queryPaginator(r -> r.tableName(tableName)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                        .expressionAttributeValues(Map.of(":pk", s("USER#" + userId), ":prefix", s("NOTIFICATION#")))
                        .scanIndexForward(false))
                .items().stream().toList();
    }

    private static Map<String, AttributeValue> loanKey(String borrowingId) {
        return key("LOAN#" + borrowingId, "LOAN");
    }

}
