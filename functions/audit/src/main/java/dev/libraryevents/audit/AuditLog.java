package dev.libraryevents.audit;

import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.AuditLogged;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.BookReturned;
import dev.libraryevents.events.EventData.NotificationSent;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.consumer.BatchSummary;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.support.consumer.EventEffects;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The audit writer: every event is stored once under each entity it concerns, with conditional puts only; no code
 * here or anywhere updates or deletes an audit row, and the writer's IAM policy allows only PutItem and Query.
 * <pre>
 * pk                                          sk                       what
 * PROCESSED#{aggregateType}#{aggregateId}#{n}  EVENT                    the event once, indexed byCorrelation for
 *                                                                       traces: the consumer's mark of version n
 * {ENTITY}#{id}                               {occurredAt}#{eventId}   the entity's trail, oldest first in key order
 * SNAPSHOT#{id}                               SNAPSHOT                 a rebuilt state of the whole system (API)
 * </pre>
 * A BookBorrowed, for example, belongs to the borrowing's, the book's and the user's trail. Every row is keyed by
 * the event, so writing it twice changes nothing: the consumer puts them one by one without a transaction
 * ({@link #idempotentWrites()}), the {@code EVENT} row first (it is the consumer's mark of the aggregate version:
 * a second event for that version logs nothing), then the trail rows.
 */
public final class AuditLog implements EventEffects, BatchSummary {

    public static final String CORRELATION_INDEX = "byCorrelation";

    private final String tableName;
    private final EventCodec codec;

    public AuditLog(String tableName, EventCodec codec) {
        this.tableName = tableName;
        this.codec = codec;
    }

    @Override
    public List<TransactWriteItem> effects(EventEnvelope event) {
        String json = codec.encode(event);
        String sortKey = sortKey(event);
        List<TransactWriteItem> puts = new ArrayList<>();
        for (String entity : entitiesOf(event)) {
            puts.add(TransactionItems.putIfAbsent(tableName, Map.of(Items.PARTITION_KEY, s(entity),
                    Items.SORT_KEY, s(sortKey), "eventId", s(event.eventId()),
                    "eventType", s(event.eventType().wireName()), "event", s(json))));
        }
        return puts;
    }

    @Override
    public Map<String, AttributeValue> markAttributes(EventEnvelope event) {
        return Map.of(Items.SORT_KEY, s("EVENT"), "event", s(codec.encode(event)),
                CORRELATION_INDEX + "Pk", s(event.correlationId()), CORRELATION_INDEX + "Sk", s(sortKey(event)));
    }

    @Override
    public boolean idempotentWrites() {
        return true;
    }

    @Override
    public String aggregateId() {
        return "audit";
    }

    @Override
    public Optional<EventData> summarize(List<EventEnvelope> processed) {
        int rows = processed.stream().mapToInt(event -> entitiesOf(event).size()).sum();
        Comparator<EventEnvelope> byTime = Comparator.comparing(EventEnvelope::occurredAt);
        return Optional.of(new AuditLogged(rows, processed.stream().min(byTime).orElseThrow().occurredAt(),
                processed.stream().max(byTime).orElseThrow().occurredAt()));
    }

    /** The trails an event belongs to: its own aggregate's, and those of the other entities it names. */
    static Set<String> entitiesOf(EventEnvelope event) {
        Set<String> entities = new LinkedHashSet<>();
        entities.add(entityKey(event.aggregateType(), event.aggregateId()));
        EventData data = event.data();
        if (data instanceof BookBorrowed borrowed) {
            entities.add(entityKey("Book", borrowed.bookId()));
            entities.add(entityKey("User", borrowed.userId()));
        } else if (data instanceof BookReturned returned) {
            entities.add(entityKey("Book", returned.bookId()));
            entities.add(entityKey("User", returned.userId()));
        } else if (data instanceof NotificationSent sent) {
            entities.add(entityKey("User", sent.userId()));
        }
        return entities;
    }

    static String entityKey(String aggregateType, String id) {
        return aggregateType.toUpperCase(Locale.ROOT) + "#" + id;
    }

    /** Time first, so a trail reads oldest first; the event id keeps two events of one millisecond apart. */
    static String sortKey(EventEnvelope event) {
        return EventCodec.timestamp(event.occurredAt()) + "#" + event.eventId();
    }

}
