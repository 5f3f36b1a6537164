package dev.libraryevents.library;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventData.AuditDataExported;
import dev.libraryevents.events.EventData.DataExportCompleted;
import dev.libraryevents.events.EventData.NotificationDataExported;
import dev.libraryevents.events.EventData.UserErased;
import dev.libraryevents.events.EventData.UserSuspended;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.User;
import dev.libraryevents.library.domain.DataExport;
import dev.libraryevents.library.domain.HoldRules;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.library.store.Page;
import dev.libraryevents.support.consumer.EventEffects;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.http.StateJson;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * What the Library service does with the events it consumes. The parts of a data export (docs/design.md §4b): each
 * part is recorded on its export; with the last one, the Library service adds its own (the user, the loans they
 * hold, their holds), opens every sealed name and email, writes one document and publishes
 * {@code DataExportCompleted}. And a user suspended or erased: their open holds are cancelled (§4d).
 */
public final class LibraryEffects implements EventEffects {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final LibraryTable table;
    private final LibraryService library;
    private final ExportBucket bucket;
    private final Clock clock;

    public LibraryEffects(LibraryTable table, LibraryService library, ExportBucket bucket, Clock clock) {
        this.table = table;
        this.library = library;
        this.bucket = bucket;
        this.clock = clock;
    }

    /** A part came: recorded, or, when it is the last one, the document written and the export completed. */
    @Override
    public List<TransactWriteItem> effects(EventEnvelope event) {
        EventData data = event.data();
        if (data instanceof UserSuspended suspended) {
            library.holds().cancelOpenHoldsOf(suspended.userId(), HoldRules.CancelReason.USER_SUSPENDED, event);
            return List.of(); // each cancellation was its own transaction, and a redelivery skips the closed ones
        }
        if (data instanceof UserErased erased) {
            library.holds().cancelOpenHoldsOf(erased.userId(), HoldRules.CancelReason.USER_ERASED, event);
            return List.of();
        }
        String service;
        String exportId;
        String partKey;
        if (data instanceof NotificationDataExported part) {
            service = "notification";
            exportId = part.exportId();
            partKey = part.objectKey();
        } else if (data instanceof AuditDataExported part) {
            service = "audit";
            exportId = part.exportId();
            partKey = part.objectKey();
        } else {
            return List.of();
        }
        Optional<DataExport> found = table.findExport(exportId);
        if (found.isEmpty() || found.get().status() != DataExport.Status.PENDING
                || found.get().parts().containsKey(service)) {
            return List.of(); // failed already, or this part was counted
        }
        DataExport export = found.get();
        Map<String, String> parts = new HashMap<>(export.parts());
        parts.put(service, partKey);
        if (!parts.keySet().containsAll(DataExports.PARTS)) {
            return List.of(table.recordPart(export, service, partKey));
        }
        String documentKey = ExportBucket.documentKey(exportId);
        bucket.put(documentKey, document(export, parts));
        Instant now = now();
        return table.completeExport(export, service, partKey, documentKey, EventEnvelope.create(
                new DataExportCompleted(exportId, export.userId(), documentKey, now), exportId, 2, now,
                event.correlationId(), event.eventId(), EventEnvelope.Actor.SYSTEM));
    }

    /**
     * Everything every service keeps about the user, in clear: the library's user, the loans they hold and their
     * holds, then each part as its service wrote it, under its name.
     */
    private ObjectNode document(DataExport export, Map<String, String> parts) {
        ObjectNode document = JSON.objectNode().put("exportId", export.exportId()).put("userId", export.userId())
                .put("requestedAt", EventCodec.timestamp(export.requestedAt()))
                .put("generatedAt", EventCodec.timestamp(now()));
        ObjectNode libraryPart = document.putObject("library");
        User user = library.user(export.userId());
        libraryPart.set("user", StateJson.user(user));
        table.activeBorrowings(export.userId())
                .forEach(borrowing -> libraryPart.withArray("activeBorrowings").add(StateJson.borrowing(borrowing)));
        libraryPart.withArray("activeBorrowings");
        ArrayNode holds = libraryPart.withArray("holds");
        Map<String, String> position = null;
        do {
            Page<Hold> page = table.lists().holdsOfUser(export.userId(), null, position, 100);
            page.items().forEach(hold -> holds.add(StateJson.hold(hold)));
            position = page.next();
        } while (position != null);
        for (String part : DataExports.PARTS) {
            JsonNode content = bucket.get(parts.get(part));
            document.set(part, content.path("items"));
        }
        return library.personalData().reveal(document);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
