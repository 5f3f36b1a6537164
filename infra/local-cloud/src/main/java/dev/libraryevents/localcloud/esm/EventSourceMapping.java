package dev.libraryevents.localcloud.esm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An event source mapping's settings as Lambda's API shows and changes them (UpdateEventSourceMapping): its
 * pollers read {@link #enabled()} and {@link #batchSize()} before every poll, so a change takes effect at once.
 */
public final class EventSourceMapping {

    private final String logicalId;
    private final String uuid;
    private final String functionName;
    private final String sourceArn;
    private final int batchingWindowSeconds;
    private final List<String> responseTypes;
    private final String onFailureArn;
    private volatile boolean enabled;
    private volatile int batchSize;
    private volatile Instant lastModified = Instant.now();

    EventSourceMapping(String logicalId, String functionName, String sourceArn, boolean enabled, int batchSize,
                       int batchingWindowSeconds, List<String> responseTypes, String onFailureArn) {
        this.logicalId = logicalId;
        // Stable across restarts, so that a script may keep a mapping's UUID.
        this.uuid = UUID.nameUUIDFromBytes(logicalId.getBytes(StandardCharsets.UTF_8)).toString();
        this.functionName = functionName;
        this.sourceArn = sourceArn;
        this.enabled = enabled;
        this.batchSize = batchSize;
        this.batchingWindowSeconds = batchingWindowSeconds;
        this.responseTypes = List.copyOf(responseTypes);
        this.onFailureArn = onFailureArn;
    }

    public String logicalId() {
        return logicalId;
    }

    public String uuid() {
        return uuid;
    }

    public String functionName() {
        return functionName;
    }

    public String sourceArn() {
        return sourceArn;
    }

    public boolean enabled() {
        return enabled;
    }

    public int batchSize() {
        return batchSize;
    }

    /** How long a poller gathers records for one batch once the first has come (0: it invokes with the first). */
    Duration batchingWindow() {
        return Duration.ofSeconds(batchingWindowSeconds);
    }

    /** Lambda's rule: a batch of more than 10 records needs a batching window of at least a second. */
    public String refusedBatchSize(int size) {
        if (size < 1 || size > 10_000) {
            return "BatchSize must be between 1 and 10000";
        }
        return size > 10 && batchingWindowSeconds == 0
                ? "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
                : null;
    }

    /** @param newEnabled null to keep it; likewise the batch size */
    public synchronized void update(Boolean newEnabled, Integer newBatchSize) {
        if (newEnabled != null) {
            enabled = newEnabled;
        }
        if (newBatchSize != null) {
            batchSize = newBatchSize;
        }
        lastModified = Instant.now();
    }

    /** Lambda's EventSourceMappingConfiguration. */
    public ObjectNode describe() {
        ObjectNode mapping = CloudTemplate.JSON.createObjectNode()
                .put("UUID", uuid)
                .put("BatchSize", batchSize)
                .put("MaximumBatchingWindowInSeconds", batchingWindowSeconds)
                .put("EventSourceArn", sourceArn)
                .put("FunctionArn", CloudTemplate.arn("lambda", "function:" + functionName))
                .put("LastModified", lastModified.toEpochMilli() / 1000.0)
                .put("State", enabled ? "Enabled" : "Disabled")
                .put("StateTransitionReason", "USER_INITIATED");
        responseTypes.forEach(mapping.putArray("FunctionResponseTypes")::add);
        if (onFailureArn != null) {
            mapping.putObject("DestinationConfig").putObject("OnFailure").put("Destination", onFailureArn);
        }
        return mapping;
    }
}
