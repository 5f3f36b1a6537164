package dev.libraryevents.library.domain;

import java.time.Instant;
import java.util.Map;

/**
 * A user's data export as the Library service tracks it (docs/design.md §4b): asked for, waiting for each service's
 * part until its deadline, then completed (one document) or failed (a part never came).
 *
 * @param parts     service → the object key of its part, as they arrive
 * @param objectKey the assembled document's key once completed
 * @param reason    why it failed
 * @param version   counts its changes, so that two parts arriving at once cannot both miss that they were last
 */
public record DataExport(String exportId, String userId, Status status, Instant requestedAt, Instant deadline,
                         Map<String, String> parts, String objectKey, String reason, long version) {

    public enum Status { PENDING, COMPLETED, FAILED }

    public DataExport {
        parts = Map.copyOf(parts);
    }

    public boolean overdue(Instant now) {
        return status == Status.PENDING && now.isAfter(deadline);
    }
}
