package dev.libraryevents.support.outbox;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.InvalidEventException;
import dev.libraryevents.support.logging.Log;
import dev.libraryevents.support.aws.Items;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts the outbox rows of a DynamoDB stream batch on the event bus, in stream order, within PutEvents' limits
 * (10 entries, 256 KB a call). Entries the bus reports as failed are sent again with backoff. A record that still
 * fails, or a row that is not a valid event, is reported as the batch item failure: Lambda then retries from it,
 * bisects, and finally hands it to the mapping's on-failure destination, so the shard is never blocked for good
 * and nothing is dropped silently. Records after a failure may already be on the bus and will be sent again:
 * consumers are idempotent by eventId.
 */
public final class OutboxRelay {

    public static final int MAX_ENTRIES_PER_CALL = 10;
    public static final int MAX_BYTES_PER_CALL = 256 * 1024;

    private final EventBridgeClient eventBridge;
    private final String busName;
    private final EventCodec codec;
    private final int maxAttempts;
    private final Duration firstBackoff;

    public OutboxRelay(EventBridgeClient eventBridge, String busName, EventCodec codec, int maxAttempts,
                       Duration firstBackoff) {
        this.eventBridge = eventBridge;
        this.busName = busName;
        this.codec = codec;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    private record Pending(String sequenceNumber, PutEventsRequestEntry entry, int size) {}

    public StreamsEventResponse relay(List<DynamodbStreamRecord> records) {
        List<Pending> pending = new ArrayList<>();
        String poison = null;
        for (DynamodbStreamRecord record : records) {
            try {
                String json = outboxEvent(record);
                if (json != null) {
                    pending.add(toPending(record.getDynamodb().getSequenceNumber(), json));
                }
            } catch (InvalidEventException e) {
                log("outbox row is not a valid event", record.getDynamodb().getSequenceNumber(), e.getMessage());
                poison = record.getDynamodb().getSequenceNumber();
                break;
            }
        }
        for (List<Pending> call : calls(pending)) {
            String failed = putWithRetries(call);
            if (failed != null) {
                return failure(failed);
            }
        }
        return poison == null ? new StreamsEventResponse(List.of()) : failure(poison);
    }

    /**
     * SnapStart's priming: what {@link #relay} does with a batch short of publishing it, then the same PutEvents
     * call with one entry, of the service's own {@code source}, that the bus refuses (its detail is not JSON), so
     * that the SDK's whole path and the reading of its answer have run too. Puts nothing on the bus.
     */
    public void prime(List<DynamodbStreamRecord> records, String source) {
        List<Pending> pending = new ArrayList<>();
        for (DynamodbStreamRecord record : records) {
            String json = outboxEvent(record);
            if (json != null) {
                pending.add(toPending(record.getDynamodb().getSequenceNumber(), json));
            }
        }
        calls(pending);
        PutEventsRequestEntry refused = PutEventsRequestEntry.builder().eventBusName(busName).source(source)
                .detailType("Priming").detail("not JSON: refused").build();
        if (put(List.of(new Pending("priming", refused, entrySize(refused)))).size() != 1) {
            throw new IllegalStateException("the bus took a priming entry it should have refused");
        }
    }

    /** The event JSON of a newly inserted outbox row; {@code null} for every other change to the table. */
    private static String outboxEvent(DynamodbStreamRecord record) {
        if (!"INSERT".equals(record.getEventName()) || record.getDynamodb() == null) {
            return null;
        }
        Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
        AttributeValue key = image == null ? null : image.get(Items.PARTITION_KEY);
        if (key == null || key.getS() == null || !key.getS().startsWith(Outbox.ROW_PREFIX)) {
            return null;
        }
        AttributeValue event = image.get(Outbox.EVENT);
        if (event == null || event.getS() == null) {
            throw new InvalidEventException("$", "outbox row " + key.getS() + " has no " + Outbox.EVENT
                    + " attribute; is the stream view NEW_IMAGE?");
        }
        return event.getS();
    }

    private Pending toPending(String sequenceNumber, String json) {
        EventEnvelope event = codec.decode(json);
        PutEventsRequestEntry entry = PutEventsRequestEntry.builder()
                .eventBusName(busName)
                .source(event.source())
                .detailType(event.eventType().wireName())
                .detail(json)
                .time(event.occurredAt())
                .build();
        int size = entrySize(entry);
        if (size > MAX_BYTES_PER_CALL) {
            throw new InvalidEventException("$", "event of " + size + " bytes exceeds the bus's entry limit");
        }
        return new Pending(sequenceNumber, entry, size);
    }

    /** EventBridge's own measure of an entry: 14 bytes for the time plus the UTF-8 of source, type and detail. */
    static int entrySize(PutEventsRequestEntry entry) {
        return 14 + utf8(entry.source()) + utf8(entry.detailType()) + utf8(entry.detail());
    }

    private static List<List<Pending>> calls(List<Pending> pending) {
        List<List<Pending>> calls = new ArrayList<>();
        List<Pending> call = new ArrayList<>();
        int bytes = 0;
        for (Pending next : pending) {
            if (call.size() == MAX_ENTRIES_PER_CALL || bytes + next.size > MAX_BYTES_PER_CALL) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(next);
            bytes += next.size;
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    /** @return the sequence number of the first record that could not be put, or null when all were */
    private String putWithRetries(List<Pending> call) {
        List<Pending> unsent = call;
        for (int attempt = 1; ; attempt++) {
            unsent = put(unsent);
            if (unsent.isEmpty()) {
                return null;
            }
            if (attempt == maxAttempts) {
                log("giving up after " + attempt + " attempts", unsent.get(0).sequenceNumber,
                        unsent.size() + " entries still failing");
                return unsent.get(0).sequenceNumber;
            }
            pause(attempt);
        }
    }

    private List<Pending> put(List<Pending> call) {
        PutEventsResponse response;
        try {
            response = eventBridge.putEvents(request -> request.entries(call.stream().map(Pending::entry).toList()));
        } catch (SdkException e) {
            log("PutEvents failed", call.get(0).sequenceNumber, e.getMessage());
            return call;
        }
        List<Pending> failed = new ArrayList<>();
        List<PutEventsResultEntry> results = response.entries();
        for (int i = 0; i < call.size(); i++) {
            // Results are in request order; a missing result is as good as a failed one.
            if (i >= results.size() || results.get(i).errorCode() != null) {
                failed.add(call.get(i));
            }
        }
        return failed;
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(firstBackoff.multipliedBy(1L << (attempt - 1)).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static StreamsEventResponse failure(String sequenceNumber) {
        return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(sequenceNumber)));
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void log(String message, String sequenceNumber, String detail) {
        Log.warn("outbox relay: " + message).with("sequenceNumber", sequenceNumber).with("detail", detail).write();
    }
}
