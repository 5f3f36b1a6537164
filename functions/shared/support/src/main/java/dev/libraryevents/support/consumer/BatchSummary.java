package dev.libraryevents.support.consumer;

import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import java.util.List;
import java.util.Optional;

/**
 * The one summary event a consumer publishes per processed batch (AnalyticsUpdated, AuditLogged), built from the
 * events of the batch that took effect for the first time. Duplicates are not counted.
 */
@FunctionalInterface
public interface BatchSummary {

    /** The aggregate id summaries are sequenced under, e.g. {@code usage} or {@code audit}. */
    default String aggregateId() {
        return "summary";
    }

    /** @param processed at least one event, in the order processed */
    Optional<EventData> summarize(List<EventEnvelope> processed);
}
