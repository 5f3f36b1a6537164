package dev.libraryevents.audit.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.audit.domain.AuditTrails.Entity;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData.AuditDataExported;
import dev.libraryevents.events.EventData.DataExportRequested;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The Audit service's part of a data export (docs/design.md §4b): every audit entry about the user, whole events as
 * logged (names and emails as they were published: sealed; the Library service opens the assembled document), put in
 * the export bucket, then announced by AuditDataExported, an outbox row put if absent. Only reads and puts: the audit
 * log stays append-only.
 */
public final class AuditExports {

    private final AuditQueries queries;
    private final ExportBucket bucket;
    private final Outbox outbox;
    private final EventCodec codec;
    private final Clock clock;

    public AuditExports(AuditQueries queries, ExportBucket bucket, Outbox outbox, EventCodec codec, Clock clock) {
        this.queries = queries;
        this.bucket = bucket;
        this.outbox = outbox;
        this.codec = codec;
        this.clock = clock;
    }

    public TransactWriteItem contribute(EventEnvelope event, DataExportRequested requested) {
        List<EventEnvelope> trail = queries.trail(new Entity("User", requested.userId()));
        ObjectNode part = JsonNodeFactory.instance.objectNode();
        trail.forEach(entry -> part.withArray("items").add(codec.toJson(entry)));
        part.withArray("items");
        String key = ExportBucket.partKey(requested.exportId(), "audit");
        bucket.put(key, part);
        return outbox.append(EventEnvelope.create(new AuditDataExported(requested.exportId(), requested.userId(),
                        key, trail.size()), requested.exportId(), 1, clock.instant().truncatedTo(ChronoUnit.MILLIS),
                event.correlationId(), event.eventId(), EventEnvelope.Actor.SYSTEM));
    }
}
