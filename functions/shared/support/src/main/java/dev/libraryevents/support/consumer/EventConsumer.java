package dev.libraryevents.support.consumer;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.InvalidEventException;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.Priming;
import dev.libraryevents.support.logging.Log;
import dev.libraryevents.support.logging.Metrics;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The SQS batch consumer every service uses: the batch loop. Each message is an EventBridge event whose detail is
 * an envelope; it is decoded and validated against its schema here, and an invalid one is reported alone in
 * {@code batchItemFailures} (after its receives it waits in the DLQ with its body intact). The valid ones go to the
 * {@link WriteStrategy} the service's {@link EventEffects} call for, one class each: {@link TransactionPerEvent}
 * (the default), {@link ConditionalPuts} (idempotent writes: no transaction), {@link CombinedTransaction}
 * (counters: a batch in one transaction). Then the batch's summary ({@link SummaryPublisher}) and its metrics.
 *
 * <p>Every strategy records an effect with a dedupe mark ({@link Marks}) keyed by the aggregate version the event
 * records, not by its {@code eventId}: a duplicate, or a second event for a version already taken into account (a
 * forged or re-sent copy with a new id), changes nothing. Marks are never expired, so a replay from the bus
 * archive, however old, is a duplicate too. The only writes are conditional puts plus the effects' own items, so a
 * table whose consumer may only {@code PutItem} and {@code Query} (the audit log) works with it.
 */
public final class EventConsumer {

    public static final String PROCESSED_PREFIX = Marks.PREFIX;

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final EventCodec codec;
    private final Clock clock;
    private final String service;
    private final Marks marks;
    private final SummaryPublisher summaries;

    public EventConsumer(DynamoDbClient dynamoDb, String tableName, EventCodec codec, Clock clock) {
        this(dynamoDb, tableName, codec, clock, null);
    }

    /** @param service the {@code Service} dimension of the metrics each batch writes; null for none */
    public EventConsumer(DynamoDbClient dynamoDb, String tableName, EventCodec codec, Clock clock, String service) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.codec = codec;
        this.clock = clock;
        this.service = service;
        this.marks = new Marks(dynamoDb, tableName, clock);
        this.summaries = new SummaryPublisher(dynamoDb, tableName, new Outbox(tableName, codec), clock);
    }

    /** The consumer of the function's own table ({@code TABLE_NAME}), as every consumer function runs it. */
    public static EventConsumer forFunctionTable(DynamoDbClient dynamoDb, String service) {
        return new EventConsumer(dynamoDb, AwsClients.requiredEnv("TABLE_NAME"), EventCodec.shared(),
                Clock.systemUTC(), service);
    }

    /** The key of the mark that records which event took the aggregate version {@code event} claims. */
    public static String markKey(EventEnvelope event) {
        return Marks.key(event);
    }

    public SQSBatchResponse consume(SQSEvent batch, EventEffects effects, BatchSummary summary) {
        WriteStrategy.Outcome outcome = new WriteStrategy.Outcome(new ArrayList<>(), new ArrayList<>());
        List<Delivery> deliveries = new ArrayList<>();
        for (SQSEvent.SQSMessage message : batch.getRecords()) {
            try {
                deliveries.add(new Delivery(decode(message.getBody()), message.getMessageId()));
            } catch (InvalidEventException e) {
                // An invalid message fails alone; after its receives it waits in the DLQ with its body intact.
                Log.warn("rejected an invalid event").with("messageId", message.getMessageId())
                        .with("detail", e.getMessage()).write();
                outcome.failures().add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        WriteStrategy.of(effects, dynamoDb, marks).write(deliveries, effects, outcome);
        if (!outcome.processed().isEmpty() && summary != null) {
            summaries.publish(outcome.processed(), summary);
        }
        if (service != null) {
            writeMetrics(batch.getRecords().size(), deliveries.size(), outcome);
        }
        return new SQSBatchResponse(outcome.failures());
    }

    /**
     * Per event type: how many took effect and how old each was by then (now − {@code occurredAt}); per batch: the
     * duplicates dropped (valid events that neither took effect nor failed) and the messages failed.
     */
    private void writeMetrics(int messages, int valid, WriteStrategy.Outcome outcome) {
        Map<String, List<Long>> agesByType = new LinkedHashMap<>();
        long now = clock.millis();
        for (EventEnvelope event : outcome.processed()) {
            agesByType.computeIfAbsent(event.eventType().wireName(), type -> new ArrayList<>())
                    .add(Math.max(0, now - event.occurredAt().toEpochMilli()));
        }
        agesByType.forEach((type, ages) -> Metrics.of(service).dimension("EventType", type)
                .count("EventsConsumed", ages.size()).values("EventAge", Metrics.MILLISECONDS, ages).write());
        int failed = outcome.failures().size();
        int invalid = messages - valid;
        Metrics.of(service).count("DuplicatesDropped", valid - outcome.processed().size() - (failed - invalid))
                .count("MessagesFailed", failed).write();
    }

    /**
     * SnapStart's priming: what {@link #consume} does with a batch short of committing it (decoding, validation,
     * the effects' reads and writes to be, the summary's event), then the writes themselves as the effects would
     * make them, refused: a put whose condition cannot hold, or a transaction of the marks and effects that a
     * condition on a key nothing has cancels. Writes nothing.
     */
    public void prime(SQSEvent batch, EventEffects effects, BatchSummary summary) {
        List<EventEnvelope> events = new ArrayList<>();
        List<TransactWriteItem> writes = new ArrayList<>();
        for (SQSEvent.SQSMessage message : batch.getRecords()) {
            EventEnvelope event = decode(message.getBody());
            writes.add(marks.write(event, effects));
            events.add(event);
        }
        writes.addAll(effects.combinedEffects(events)); // each event's effects, unless they combine
        if (summary != null) {
            summaries.prime(events, summary);
        }
        if (effects.idempotentWrites()) {
            Priming.refusedPut(dynamoDb, tableName);
        } else {
            Priming.cancelledTransaction(dynamoDb, tableName, writes);
        }
    }

    /** The envelope inside an EventBridge event (as a rule's SQS target delivers it), or a bare envelope. */
    private EventEnvelope decode(String body) {
        JsonNode node;
        try {
            node = codec.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "message body is not JSON: " + e.getOriginalMessage());
        }
        JsonNode detail = node.path("detail");
        return codec.fromJson(detail.isObject() ? detail : node);
    }
}
