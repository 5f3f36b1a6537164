package dev.libraryevents.support.consumer;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventData;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.InvalidEventException;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.aws.Priming;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.support.logging.Log;
import dev.libraryevents.support.logging.Metrics;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The SQS batch consumer every service uses. Each message is an EventBridge event whose detail is an envelope; it
 * is validated against its schema, and its effect is committed with a dedupe mark written only if absent, in one
 * DynamoDB transaction: a duplicate finds the mark and changes nothing. The mark is keyed by the aggregate version
 * the event records ({@code PROCESSED#{aggregateType}#{aggregateId}#{sequence}}), not by its {@code eventId}: a
 * second event for a version already taken into account, a forged or re-sent copy with a new id, changes nothing
 * either. Effects whose writes are idempotent by themselves ({@link EventEffects#idempotentWrites()}) skip the
 * transaction, which costs twice the write units: the mark is put first, alone (a redelivery of the same event finds
 * its own mark and goes on, so it completes a partial write), then each write under its own condition. Effects that
 * combine ({@link EventEffects#combinesEffects()}, counters) commit the whole batch in one transaction: every
 * event's mark and the summed writes; a mark found taken drops its event and the rest commits again. A message that
 * is invalid or whose effect cannot be written is reported alone in {@code batchItemFailures} (with combined
 * effects: every message of its transaction); the rest of the batch commits.
 * Marks are never expired, so a replay from the bus archive, however old, is a duplicate too.
 *
 * <p>The only writes are conditional puts plus the effects' own items, so a table whose consumer may only
 * {@code PutItem} and {@code Query} (the audit log) works with it.
 */
public final class EventConsumer {

    public static final String PROCESSED_PREFIX = "PROCESSED#";
    /** Where summaries were numbered before they were kept outbox rows; read, never written. */
    private static final int MAX_ATTEMPTS = 10;
    /** Events per combined transaction: with their marks and counters well within DynamoDB's 100 items. */
    private static final int MAX_COMBINED = 40;

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final EventCodec codec;
    private final Outbox outbox;
    private final Clock clock;
    private final String service;

    public EventConsumer(DynamoDbClient dynamoDb, String tableName, EventCodec codec, Clock clock) {
        this(dynamoDb, tableName, codec, clock, null);
    }

    /** @param service the {@code Service} dimension of the metrics each batch writes; null for none */
    public EventConsumer(DynamoDbClient dynamoDb, String tableName, EventCodec codec, Clock clock, String service) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.codec = codec;
        this.outbox = new Outbox(tableName, codec);
        this.clock = clock;
        this.service = service;
    }

    /** The consumer of the function's own table ({@code TABLE_NAME}), as every consumer function runs it. */
    public static EventConsumer forFunctionTable(DynamoDbClient dynamoDb, String service) {
        return new EventConsumer(dynamoDb, AwsClients.requiredEnv("TABLE_NAME"), EventCodec.shared(),
                Clock.systemUTC(), service);
    }

    public SQSBatchResponse consume(SQSEvent batch, EventEffects effects, BatchSummary summary) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<EventEnvelope> decoded = new ArrayList<>();
        List<EventEnvelope> processed = new ArrayList<>();
        if (effects.combinesEffects()) {
            applyCombined(batch, effects, failures, decoded, processed);
        } else {
            applyEach(batch, effects, failures, decoded, processed);
        }
        if (!processed.isEmpty() && summary != null) {
            publishSummary(processed, summary);
        }
        if (service != null) {
            writeMetrics(batch.getRecords().size(), decoded.size(), processed, failures.size());
        }
        return new SQSBatchResponse(failures);
    }

    /**
     * Per event type: how many took effect and how old each was by then (now − {@code occurredAt}); per batch: the
     * duplicates dropped (valid events that neither took effect nor failed) and the messages failed.
     */
    private void writeMetrics(int messages, int valid, List<EventEnvelope> processed, int failed) {
        Map<String, List<Long>> agesByType = new LinkedHashMap<>();
        long now = clock.millis();
        for (EventEnvelope event : processed) {
            agesByType.computeIfAbsent(event.eventType().wireName(), type -> new ArrayList<>())
                    .add(Math.max(0, now - event.occurredAt().toEpochMilli()));
        }
        agesByType.forEach((type, ages) -> Metrics.of(service).dimension("EventType", type)
                .count("EventsConsumed", ages.size()).values("EventAge", Metrics.MILLISECONDS, ages).write());
        int invalid = messages - valid;
        Metrics.of(service).count("DuplicatesDropped", valid - processed.size() - (failed - invalid))
                .count("MessagesFailed", failed).write();
    }

    private void applyEach(SQSEvent batch, EventEffects effects, List<SQSBatchResponse.BatchItemFailure> failures,
                           List<EventEnvelope> decoded, List<EventEnvelope> processed) {
        for (SQSEvent.SQSMessage message : batch.getRecords()) {
            try {
                EventEnvelope event = decode(message.getBody());
                decoded.add(event);
                if (apply(event, effects)) {
                    processed.add(event);
                    effects.afterCommit(event);
                }
            } catch (InvalidEventException e) {
                rejected(message, e, failures);
            } catch (SdkException | ConflictPersisted e) {
                Log.warn("could not record an event; it will be retried").with("messageId", message.getMessageId())
                        .with("detail", e.getMessage()).write();
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
    }

    /** An invalid message fails alone; after its receives it waits in the DLQ with its body intact. */
    private static void rejected(SQSEvent.SQSMessage message, InvalidEventException e,
                                 List<SQSBatchResponse.BatchItemFailure> failures) {
        Log.warn("rejected an invalid event").with("messageId", message.getMessageId())
                .with("detail", e.getMessage()).write();
        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
    }

    /** An event and the message that carried it. */
    private record Delivery(EventEnvelope event, String messageId) {}

    /**
     * The batch's events committed together, {@link #MAX_COMBINED} at a time: their marks, each written only if
     * absent, and their combined effects, in one transaction. A mark found taken (a duplicate) cancels it; that
     * event is dropped and the others commit again. Two messages of the batch for one aggregate version are one.
     */
    private void applyCombined(SQSEvent batch, EventEffects effects,
                               List<SQSBatchResponse.BatchItemFailure> failures, List<EventEnvelope> decoded,
                               List<EventEnvelope> processed) {
        Map<String, Delivery> byVersion = new LinkedHashMap<>();
        for (SQSEvent.SQSMessage message : batch.getRecords()) {
            try {
                EventEnvelope event = decode(message.getBody());
                decoded.add(event);
                Delivery first = byVersion.putIfAbsent(markKey(event), new Delivery(event, message.getMessageId()));
                if (first != null) {
                    dropped(event, Map.of("eventId", Items.s(first.event().eventId())));
                }
            } catch (InvalidEventException e) {
                rejected(message, e, failures);
            }
        }
        List<Delivery> deliveries = new ArrayList<>(byVersion.values());
        for (int from = 0; from < deliveries.size(); from += MAX_COMBINED) {
            List<Delivery> group = new ArrayList<>(deliveries.subList(from,
                    Math.min(deliveries.size(), from + MAX_COMBINED)));
            try {
                commitTogether(group, effects);
                group.forEach(delivery -> {
                    processed.add(delivery.event());
                    effects.afterCommit(delivery.event());
                });
            } catch (SdkException | ConflictPersisted e) {
                Log.warn("could not record a batch of events; they will be retried")
                        .with("messageIds", group.stream().map(Delivery::messageId).toList().toString())
                        .with("detail", e.getMessage()).write();
                group.forEach(delivery -> failures.add(new SQSBatchResponse.BatchItemFailure(delivery.messageId())));
            }
        }
    }

    /** Commits the group's marks and combined effects; removes from {@code group} every event whose mark was taken. */
    private void commitTogether(List<Delivery> group, EventEffects effects) {
        for (int attempt = 1; !group.isEmpty(); attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            for (Delivery delivery : group) {
                items.add(markWrite(delivery.event(), effects));
            }
            items.addAll(effects.combinedEffects(group.stream().map(Delivery::event).toList()));
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(items));
                return;
            } catch (TransactionCanceledException e) {
                boolean markTaken = false;
                for (int i = group.size() - 1; i >= 0; i--) {
                    var reason = e.hasCancellationReasons() && i < e.cancellationReasons().size()
                            ? e.cancellationReasons().get(i) : null;
                    if (reason != null && "ConditionalCheckFailed".equals(reason.code())) {
                        dropped(group.remove(i).event(), reason.item());
                        markTaken = true;
                    }
                }
                if (!markTaken && attempt >= MAX_ATTEMPTS) {
                    throw new ConflictPersisted(e.getMessage());
                }
            }
        }
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
            writes.add(markWrite(event, effects));
            events.add(event);
        }
        writes.addAll(effects.combinedEffects(events)); // each event's effects, unless they combine
        if (summary != null) {
            summary.summarize(events).ifPresent(data -> outbox.appendKept(EventEnvelope.create(data,
                    summary.aggregateId(), 1, clock.instant().truncatedTo(ChronoUnit.MILLIS), "priming", null,
                    EventEnvelope.Actor.SYSTEM)));
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

    /** The key of the mark that records which event took the aggregate version {@code event} claims. */
    public static String markKey(EventEnvelope event) {
        return PROCESSED_PREFIX + event.aggregateType() + "#" + event.aggregateId() + "#" + event.sequence();
    }

    /** @return true if the event took effect now, false if it (or another event of its aggregate version) had */
    private boolean apply(EventEnvelope event, EventEffects effects) {
        if (effects.idempotentWrites()) {
            return claimVersion(event, effects) && putEachConditionally(effects.effects(event));
        }
        for (int attempt = 1; ; attempt++) {
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(markWrite(event, effects));
            items.addAll(effects.effects(event));
            try {
                dynamoDb.transactWriteItems(r -> r.transactItems(items));
                return true;
            } catch (TransactionCanceledException e) {
                if ("ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code())) {
                    dropped(event, e.cancellationReasons().get(0).item());
                    return false;
                }
                if (attempt == MAX_ATTEMPTS) {
                    throw new ConflictPersisted(e.getMessage());
                }
            }
        }
    }

    /**
     * The mark's write: put only if absent; a taken one comes back (in a transaction, in the cancellation reason).
     */
    private TransactWriteItem markWrite(EventEnvelope event, EventEffects effects) {
        Put put = TransactionItems.putIfAbsent(tableName, mark(event, effects)).put();
        return TransactWriteItem.builder().put(put.toBuilder()
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
    }

    private Map<String, AttributeValue> mark(EventEnvelope event, EventEffects effects) {
        Map<String, AttributeValue> mark = new HashMap<>();
        mark.put(Items.SORT_KEY, Items.s("PROCESSED"));
        mark.put("eventType", Items.s(event.eventType().wireName()));
        mark.put("processedAt", Items.s(EventCodec.timestamp(clock.instant())));
        mark.putAll(effects.markAttributes(event));
        mark.put(Items.PARTITION_KEY, Items.s(markKey(event)));
        mark.put("eventId", Items.s(event.eventId()));
        return mark;
    }

    /**
     * Puts the mark unless it exists. A mark of this very event means a redelivery after a partial write, which
     * goes on to complete it; a mark of another event means this one repeats a version already taken into account.
     */
    private boolean claimVersion(EventEnvelope event, EventEffects effects) {
        try {
            TransactionItems.putAlone(dynamoDb, markWrite(event, effects).put());
            return true;
        } catch (ConditionalCheckFailedException e) {
            if (e.hasItem() && event.eventId().equals(e.item().get("eventId").s())) {
                return true;
            }
            dropped(event, e.item());
            return false;
        }
    }

    /** A duplicate is normal (at-least-once); another event id for a version already taken is worth a line. */
    private void dropped(EventEnvelope event, Map<String, AttributeValue> mark) {
        AttributeValue first = mark == null ? null : mark.get("eventId");
        if (first != null && !event.eventId().equals(first.s())) {
            Log.warn("dropped an event for an aggregate version already taken into account")
                    .correlationId(event.correlationId()).eventId(event.eventId())
                    .with("detail", markKey(event) + " was taken by " + first.s()).write();
        }
    }

    /**
     * Writes each put under its condition (its item absent, or older): a retry after a partial write completes it,
     * and a duplicate changes nothing.
     *
     * @return whether the last put wrote its item, that is, whether this delivery is the first to finish
     */
    private boolean putEachConditionally(List<TransactWriteItem> writes) {
        boolean lastWritten = false;
        for (TransactWriteItem write : writes) {
            Put put = write.put();
            if (put == null || put.conditionExpression() == null) {
                throw new IllegalStateException("idempotent effects are conditional puts only");
            }
            try {
                TransactionItems.putAlone(dynamoDb, put);
                lastWritten = true;
            } catch (ConditionalCheckFailedException alreadyWritten) {
                lastWritten = false;
            }
        }
        return lastWritten;
    }

    /**
     * A summary is one outbox row, put alone if absent and kept ({@link Outbox#appendKept}); its number is the
     * newest row's plus one. Two consumers that pick the same number collide on the row; the loser reads again.
     */
    private void publishSummary(List<EventEnvelope> processed, BatchSummary summary) {
        Optional<EventData> data = summary.summarize(processed);
        if (data.isEmpty()) {
            return;
        }
        EventEnvelope first = processed.get(0);
        String partition = Outbox.partitionOf(data.get().type().aggregateType(), summary.aggregateId());
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long sequence = lastSummarySequence(partition) + 1;
            EventEnvelope event = EventEnvelope.create(data.get(), summary.aggregateId(), sequence,
                    clock.instant().truncatedTo(ChronoUnit.MILLIS), first.correlationId(), first.eventId(),
                    EventEnvelope.Actor.SYSTEM);
            try {
                TransactionItems.putAlone(dynamoDb, outbox.appendKept(event).put());
                return;
            } catch (ConditionalCheckFailedException e) {
                // another instance took this number: read again
            }
        }
        // The batch's effects are committed; only the summary is missing. Say so rather than fail the batch.
        Log.warn("gave up numbering a summary event").correlationId(first.correlationId())
                .eventId(first.eventId()).with("detail", partition + ", batch of " + processed.size()).write();
    }

    /** The newest summary's number: the sort key of the newest kept outbox row of its aggregate, or 0. */
    private long lastSummarySequence(String partition) {
        QueryResponse last = dynamoDb.query(r -> r.tableName(tableName)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", Items.s(partition)))
                .scanIndexForward(false).limit(1).consistentRead(true));
        return last.items().isEmpty() ? 0 : Long.parseLong(last.items().get(0).get(Items.SORT_KEY).s());
    }

    /** An effect kept losing races for the same items; the message is retried later. */
    private static final class ConflictPersisted extends RuntimeException {
        ConflictPersisted(String message) {
            super(message, null, false, false);
        }
    }
}
