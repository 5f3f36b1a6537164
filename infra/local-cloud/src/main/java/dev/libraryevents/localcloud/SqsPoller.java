package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping, run by as many threads as batches may be in flight at once: receive up to the
 * batch size (waiting up to the batching window), invoke, delete what succeeded. With ReportBatchItemFailures the
 * failed items stay; on a function error or timeout the whole batch stays. What stays becomes visible again after
 * the queue's visibility timeout, and the queue's redrive policy moves it to the DLQ after maxReceiveCount
 * receives, exactly as on AWS.
 */
final class SqsPoller implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final Invocable function;
    private final EventSourceMapping mapping;
    private final int waitSeconds;
    private final boolean reportsItemFailures;

    /** @param mapping its settings; while it is disabled, messages wait in the queue */
    SqsPoller(SqsClient sqs, String queueUrl, String queueArn, Invocable function, EventSourceMapping mapping,
              int waitSeconds, boolean reportsItemFailures) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.function = function;
        this.mapping = mapping;
        this.waitSeconds = waitSeconds;
        this.reportsItemFailures = reportsItemFailures;
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (!mapping.enabled()) {
                    Thread.sleep(200);
                    continue;
                }
                List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                        .maxNumberOfMessages(mapping.batchSize()).waitTimeSeconds(Math.max(1, waitSeconds))
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                if (!messages.isEmpty()) {
                    deliver(messages);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                LocalCloud.log("sqs poller for " + function.name() + ": " + e.getMessage());
            }
        }
    }

    private void deliver(List<Message> messages) throws InterruptedException {
        LocalFunction.Result result;
        try {
            result = function.invoke(event(messages).toString(), messages.size()).get();
        } catch (java.util.concurrent.ExecutionException e) {
            return;
        } catch (InterruptedException e) {
            // Stopping: hand the batch back at once rather than after the visibility timeout, so it can be saved.
            sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(messages.stream()
                    .map(m -> ChangeMessageVisibilityBatchRequestEntry.builder().id(m.messageId())
                            .receiptHandle(m.receiptHandle()).visibilityTimeout(0).build()).toList()));
            throw e;
        }
        if (result.outcome() != LocalFunction.Outcome.SUCCESS) {
            return;
        }
        Set<String> failed = new HashSet<>();
        if (reportsItemFailures) {
            try {
                JSON.readTree(result.body()).path("batchItemFailures")
                        .forEach(item -> failed.add(item.path("itemIdentifier").asText()));
            } catch (Exception e) {
                return; // an unreadable answer counts as a failed batch
            }
        }
        List<DeleteMessageBatchRequestEntry> done = messages.stream()
                .filter(message -> !failed.contains(message.messageId()))
                .map(message -> DeleteMessageBatchRequestEntry.builder().id(message.messageId())
                        .receiptHandle(message.receiptHandle()).build())
                .toList();
        if (!done.isEmpty()) {
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(done));
        }
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
