package dev.libraryevents.support.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The events SnapStart's priming feeds the handlers ({@link Priming}): valid by the schemas, about a book, a user
 * and a borrowing that exist nowhere, in the envelopes Lambda hands over (an SQS batch of bus events, a stream batch
 * of outbox rows).
 */
public final class CannedEvents {

    private CannedEvents() {}

    /** Every consumer takes BookBorrowed, the workflow's busiest event. */
    public static EventEnvelope bookBorrowed() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String borrowingId = UUID.randomUUID().toString();
        return EventEnvelope.create(new BookBorrowed(borrowingId, UUID.randomUUID().toString(), "Priming",
                        UUID.randomUUID().toString(), "Priming", "Priming", now, now.plus(Duration.ofDays(14))),
                borrowingId, 1, now, "priming", null, EventEnvelope.Actor.SYSTEM);
    }

    /** An SQS batch of one message: the bus's event around {@code event}, as a rule's queue target delivers it. */
    public static String sqsBatch(EventEnvelope event, EventCodec codec) {
        ObjectNode busEvent = JsonNodeFactory.instance.objectNode().put("version", "0")
                .put("id", UUID.randomUUID().toString())
                .put("detail-type", event.eventType().wireName()).put("source", event.source())
                .put("time", EventCodec.timestamp(event.occurredAt()));
        busEvent.set("detail", codec.toJson(event));
        ObjectNode batch = JsonNodeFactory.instance.objectNode();
        batch.putArray("Records").addObject().put("messageId", UUID.randomUUID().toString())
                .put("eventSource", "aws:sqs").put("body", busEvent.toString());
        return batch.toString();
    }

    /** A stream batch of one record: the insert of {@code event}'s outbox row. */
    public static String streamBatch(EventEnvelope event, EventCodec codec) {
        ObjectNode batch = JsonNodeFactory.instance.objectNode();
        ObjectNode record = batch.putArray("Records").addObject().put("eventName", "INSERT");
        ObjectNode image = record.putObject("dynamodb").put("SequenceNumber", "1").putObject("NewImage");
        image.putObject(Items.PARTITION_KEY).put("S", Outbox.partitionOf(event.aggregateType(), event.aggregateId()));
        image.putObject(Outbox.EVENT).put("S", codec.encode(event));
        return batch.toString();
    }
}
