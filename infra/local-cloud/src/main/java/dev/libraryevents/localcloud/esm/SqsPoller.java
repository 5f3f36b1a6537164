package dev.libraryevents.localcloud.esm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.lambda.Invocable;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping, run by as many threads as batches may be in flight at once: gather a batch, invoke,
 * delete what succeeded. As on AWS, a mapping with a batching window keeps receiving after the first message until
 * the batch is full or the window has passed; without one, a batch is what one receive returns (at most 10). With
 * ReportBatchItemFailures the failed items stay; on a function error or timeout the whole batch stays. What stays
 * becomes visible again after the queue's visibility timeout, and the queue's redrive policy moves it to the DLQ
 * after maxReceiveCount receives, exactly as on AWS.
 */
final class SqsPoller implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** SQS's most messages per receive, and most entries per batch request (delete, change visibility). */
    private static final int MAX_PER_REQUEST = 10;
    /** How long a receive waits (a long poll): short, so that disabling or stopping acts soon. */
    private static final int RECEIVE_WAIT_SECONDS = 1;
    /**
     * While a window is open but less than a second of it remains: the pause between short receives. A full batch
     * goes at most this late; shorter pauses made Analytics' 1 s window the local cloud's busiest poller (each
     * receive is an HTTP round trip through ElasticMQ), ten times more requests for nothing.
     */
    private static final long SHORT_POLL_PAUSE_MILLIS = 100;
    /** While an invocation runs: how often the poller looks whether it is being stopped. */
    private static final long STOP_CHECK_MILLIS = 100;

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final Invocable function;
    private final EventSourceMapping mapping;
    private final boolean reportsItemFailures;
    /**
     * Set by {@link #stop}: a flag, never an interrupt. The SDK checks for an interrupt after the response too, and
     * throws the received messages away: they would stay in flight, where a restart's save cannot see them.
     */
    private volatile boolean stopping;
    /** Messages a failed invocation left in flight, by id, until they are received again (see leaveInFlight). */
    private final Map<String, Message> leftInFlight = new ConcurrentHashMap<>();

    /** @param mapping its settings; while it is disabled, messages wait in the queue */
    SqsPoller(SqsClient sqs, String queueUrl, String queueArn, Invocable function, EventSourceMapping mapping,
              boolean reportsItemFailures) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.function = function;
        this.mapping = mapping;
        this.reportsItemFailures = reportsItemFailures;
    }

    @Override
    public void run() {
        while (!stopping) {
            try {
                if (!mapping.enabled()) {
                    Thread.sleep(200);
                    continue;
                }
                List<Message> messages = gather();
                if (!messages.isEmpty()) {
                    deliver(messages);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Log.info("sqs poller for " + function.name() + ": " + e.getMessage());
            }
        }
        try {
            handBackLeftInFlight();
        } catch (RuntimeException e) {
            Log.info("sqs poller for " + function.name() + ": could not hand back what failed: "
                    + e.getMessage());
        }
    }

    /**
     * Every thread of this poller ends within about a second (a receive's wait): a batch not yet delivered, or whose
     * invocation has not answered, goes back to the queue at once, so that a restart saves it.
     */
    void stop() {
        stopping = true;
    }

    /**
     * A batch: what the first receive returns, then, while a batching window is open (from the first message) and
     * the batch is not full, what further receives return. Without a window Lambda invokes with the first receive's
     * messages, which is why a window of 0 keeps latency low and a window makes batches large.
     */
    private List<Message> gather() throws InterruptedException {
        int batchSize = mapping.batchSize();
        List<Message> batch = new ArrayList<>(receive(Math.min(batchSize, MAX_PER_REQUEST), RECEIVE_WAIT_SECONDS));
        if (batch.isEmpty() || mapping.batchingWindow().isZero()) {
            return batch;
        }
        long closesAt = System.nanoTime() + mapping.batchingWindow().toNanos();
        long remaining;
        try {
            while (batch.size() < batchSize && (remaining = closesAt - System.nanoTime()) > 0 && !stopping) {
                // SQS waits whole seconds; a second at most, so that stopping is noticed within one.
                int waitSeconds = (int) Math.min(RECEIVE_WAIT_SECONDS, TimeUnit.NANOSECONDS.toSeconds(remaining));
                List<Message> more = receive(Math.min(batchSize - batch.size(), MAX_PER_REQUEST), waitSeconds);
                if (more.isEmpty() && waitSeconds == 0) {
                    Thread.sleep(Math.min(SHORT_POLL_PAUSE_MILLIS, TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
                }
                batch.addAll(more);
            }
        } catch (InterruptedException e) {
            handBack(batch);
            throw e;
        } catch (RuntimeException e) {
            // A failed receive ends the gathering, not the batch: what came in goes to the function.
            Log.info("sqs poller for " + function.name() + ": " + e.getMessage());
        }
        return batch;
    }

    private List<Message> receive(int atMost, int waitSeconds) {
        List<Message> received = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(atMost)
                .waitTimeSeconds(waitSeconds).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        received.forEach(message -> leftInFlight.remove(message.messageId())); // back, with a new receipt handle
        return received;
    }

    private void deliver(List<Message> messages) throws InterruptedException {
        if (stopping) {
            handBack(messages);
            return;
        }
        CompletableFuture<LocalFunction.Result> answer = function.invoke(event(messages).toString(),
                messages.size());
        LocalFunction.Result result = null;
        try {
            while (result == null) {
                try {
                    result = answer.get(STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    if (stopping) {
                        handBack(messages); // the invocation may still take effect: at least once, as on AWS
                        return;
                    }
                }
            }
        } catch (ExecutionException e) {
            leaveInFlight(messages);
            return;
        }
        if (result.outcome() != LocalFunction.Outcome.SUCCESS) {
            leaveInFlight(messages);
            return;
        }
        Set<String> failed = new HashSet<>();
        if (reportsItemFailures) {
            try {
                JSON.readTree(result.body()).path("batchItemFailures")
                        .forEach(item -> failed.add(item.path("itemIdentifier").asText()));
            } catch (Exception e) {
                leaveInFlight(messages); // an unreadable answer counts as a failed batch
                return;
            }
        }
        leaveInFlight(messages.stream().filter(message -> failed.contains(message.messageId())).toList());
        List<DeleteMessageBatchRequestEntry> done = messages.stream()
                .filter(message -> !failed.contains(message.messageId()))
                .map(message -> DeleteMessageBatchRequestEntry.builder().id(message.messageId())
                        .receiptHandle(message.receiptHandle()).build())
                .toList();
        for (List<DeleteMessageBatchRequestEntry> chunk : chunks(done)) {
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(chunk));
        }
    }

    /**
     * Failed messages stay in flight until the queue's visibility timeout, as on AWS. SQS keeps them meanwhile;
     * ElasticMQ keeps them in memory, where a restart's save (of what is visible) cannot see them: they are
     * remembered until received again, and handed back when the poller stops.
     */
    private void leaveInFlight(List<Message> messages) {
        messages.forEach(message -> leftInFlight.put(message.messageId(), message));
    }

    /** On the way out of {@link #run}: whatever this poller's threads left in flight goes back, once. */
    private void handBackLeftInFlight() {
        List<Message> left = new ArrayList<>();
        for (String messageId : List.copyOf(leftInFlight.keySet())) {
            Message message = leftInFlight.remove(messageId);
            if (message != null) {
                left.add(message);
            }
        }
        // One moved to the DLQ meanwhile has a stale receipt handle: SQS fails that entry alone, and it stays put.
        handBack(left);
    }

    /** Stopping: the batch goes back at once rather than after the visibility timeout, so it can be saved. */
    private void handBack(List<Message> messages) {
        for (List<Message> chunk : chunks(messages)) {
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(chunk.stream()
                    .map(m -> ChangeMessageVisibilityBatchRequestEntry.builder().id(m.messageId())
                            .receiptHandle(m.receiptHandle()).visibilityTimeout(0).build()).toList()));
        }
    }

    /** SQS's batch requests take at most 10 entries; a gathered batch may hold more. */
    private static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += MAX_PER_REQUEST) {
            chunks.add(items.subList(from, Math.min(items.size(), from + MAX_PER_REQUEST)));
        }
        return chunks;
    }

    private JsonNode event(List<Message> messages) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message message : messages) {
            ObjectNode attributes = JSON.createObjectNode();
            message.attributesAsStrings().forEach(attributes::put);
            ObjectNode record = records.addObject()
                    .put("messageId", message.messageId())
                    .put("receiptHandle", message.receiptHandle())
                    .put("body", message.body())
                    .put("md5OfBody", message.md5OfBody())
                    .put("eventSource", "aws:sqs")
                    .put("eventSourceARN", queueArn)
                    .put("awsRegion", CloudTemplate.REGION);
            record.set("attributes", attributes);
            record.putObject("messageAttributes");
        }
        return event;
    }
}
