package dev.libraryevents.library;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData.DataExportCompleted;
import dev.libraryevents.events.EventData.DataExportRequested;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.library.domain.DataExport;
import dev.libraryevents.library.domain.Identifiers;
import dev.libraryevents.library.domain.NotFound;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.support.export.ExportBucket;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The export saga (docs/design.md §4b), the Library service's side: a request records the export and publishes
 * {@code DataExportRequested}; every service that keeps something about the user puts its part in the export bucket
 * and says so with an event; when the last part comes (the library consumer), the Library service adds its own
 * (the user, the loans they hold), opens every sealed name and email, writes one document and publishes
 * {@code DataExportCompleted}. A part that has not come by the deadline ends the export {@code FAILED}, as soon as
 * anyone looks at it. This class is the API's side (request, status, link); {@link LibraryEffects} takes the parts.
 */
public final class DataExports {

    /** How long the parts may take. */
    static final Duration DEADLINE = Duration.ofMinutes(10);
    /** The services whose parts an export waits for, by the name of their part. */
    static final List<String> PARTS = List.of("notification", "audit");

    private final LibraryTable table;
    private final LibraryService library;
    private final ExportBucket bucket;
    private final Clock clock;

    public DataExports(LibraryTable table, LibraryService library, ExportBucket bucket, Clock clock) {
        this.table = table;
        this.library = library;
        this.bucket = bucket;
        this.clock = clock;
    }

    public DataExport request(String userId, LibraryService.Origin origin) {
        library.user(userId); // 404 for nobody
        Instant now = now();
        DataExport export = new DataExport(UUID.randomUUID().toString(), userId, DataExport.Status.PENDING, now,
                now.plus(DEADLINE), Map.of(), null, null, 1);
        library.recording(origin, export).requestExport(export, EventEnvelope.create(new DataExportRequested(export.exportId(), userId, now,
                export.deadline()), export.exportId(), 1, now, origin.correlationId(), null, origin.actor()));
        return export;
    }

    /** The export as it stands; one whose deadline passed with parts missing is FAILED from now on. */
    public DataExport status(String userId, String exportId) {
        DataExport export = (Identifiers.isId(exportId) ? table.findExport(exportId) : Optional.<DataExport>empty())
                .filter(found -> found.userId().equals(userId))
                .orElseThrow(() -> new NotFound("data export", exportId));
        if (export.overdue(now())) {
            String missing = PARTS.stream().filter(part -> !export.parts().containsKey(part))
                    .collect(Collectors.joining(", "));
            String reason = "no part from " + missing + " by the deadline, " + EventCodec.timestamp(export.deadline());
            table.failExport(export, reason);
            return status(userId, exportId);
        }
        return export;
    }

    /** The completed export's document, through a link valid {@link ExportBucket#LINK_VALIDITY}. */
    public URL link(DataExport export) {
        return bucket.link(export.objectKey());
    }

    public Instant linkExpiry() {
        return now().plus(ExportBucket.LINK_VALIDITY);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
