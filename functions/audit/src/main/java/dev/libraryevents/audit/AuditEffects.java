package dev.libraryevents.audit;

import dev.libraryevents.audit.domain.AuditTrails;
import dev.libraryevents.audit.store.AuditExports;
import dev.libraryevents.audit.store.AuditItems;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.DataExportRequested;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.support.consumer.BatchSummary;
import dev.libraryevents.support.consumer.EventEffects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What Audit does with the events it consumes: it writes them down. Every event is stored once whole, and once
 * under each trail it belongs to ({@link AuditItems}, {@link AuditTrails#entitiesOf}), with conditional puts only;
 * no code here or anywhere updates or deletes an audit row, and the writer's IAM policy allows only PutItem and
 * Query. Every row is keyed by the event, so writing it twice changes nothing: the consumer puts them one by one
 * without a transaction ({@link #idempotentWrites()}), the {@code EVENT} row first (it is the consumer's mark of the
 * aggregate version: a second event for that version logs nothing), then the trail rows.
 */
public final class AuditEffects implements EventEffects, BatchSummary {

    private final String tableName;
    private final EventCodec codec;
    private final AuditExports exports;

    public AuditEffects(String tableName, EventCodec codec) {
        this(tableName, codec, null);
    }

    /** @param exports the service's part of data exports; null where none is asked for (tests of the log alone) */
    public AuditEffects(String tableName, EventCodec codec, AuditExports exports) {
        this.tableName = tableName;
        this.codec = codec;
        this.exports = exports;
    }

    @Override
    public List<TransactWriteItem> effects(EventEnvelope event) {
        String json = codec.encode(event);
        List<TransactWriteItem> writes = new ArrayList<>(AuditTrails.entitiesOf(event).stream()
                .map(entity -> TransactionItems.putIfAbsent(tableName, AuditItems.trailRow(entity, event, json)))
                .toList());
        if (exports != null && event.data() instanceof DataExportRequested requested) {
            writes.add(exports.contribute(event, requested));
        }
        return writes;
    }

    @Override
    public Map<String, AttributeValue> markAttributes(EventEnvelope event) {
        return AuditItems.eventRow(event, codec.encode(event));
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
        return Optional.of(AuditTrails.summarize(processed));
    }
}
