package dev.libraryevents.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Archive;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Dead-letter operations that work the same against AWS, LocalStack and the local cloud, through the standard
 * SDK settings: which DLQs hold what, what a message is, moving messages back to their source, purging, and
 * replaying archived events.
 */
public final class DeadLetters {

    /** A dead-letter queue and the queues whose redrive policy sends to it. */
    public record DeadLetterQueue(String name, String url, String arn, long depth, List<String> sources) {}

    /** What an operator needs to know of one dead letter. */
    public record Letter(String messageId, String eventType, String eventId, String correlationId, int receiveCount,
                         Instant firstReceived, Instant sent, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final EventBridgeClient eventBridge;

    public DeadLetters(SqsClient sqs, EventBridgeClient eventBridge) {
        this.sqs = sqs;
        this.eventBridge = eventBridge;
    }

    public List<DeadLetterQueue> list() {
        List<String> urls = sqs.listQueuesPaginator(r -> r.maxResults(1000)).queueUrls().stream().toList();
        Map<String, Map<QueueAttributeName, String>> attributes = new java.util.HashMap<>();
        for (String url : urls) {
            attributes.put(url, sqs.getQueueAttributes(r -> r.queueUrl(url)
                    .attributeNames(QueueAttributeName.ALL)).attributes());
        }
        List<DeadLetterQueue> dlqs = new ArrayList<>();
        for (String url : urls) {
            String arn = attributes.get(url).get(QueueAttributeName.QUEUE_ARN);
            List<String> sources = new ArrayList<>();
            attributes.forEach((sourceUrl, sourceAttributes) -> {
                String redrive = sourceAttributes.get(QueueAttributeName.REDRIVE_POLICY);
                if (redrive != null && redrive.contains(arn + "\"")) {
                    sources.add(name(sourceUrl));
                }
            });
            if (!sources.isEmpty()) {
                dlqs.add(new DeadLetterQueue(name(url), url, arn, Long.parseLong(attributes.get(url)
                        .getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")), sources));
            }
        }
        return dlqs;
    }

    /** Up to ten messages, left in the queue (received with a zero visibility timeout). */
    public List<Letter> show(String queueName) {
        String url = queueUrl(queueName);
        List<Letter> letters = new ArrayList<>();
        for (Message message : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
            JsonNode envelope = envelope(message.body());
            Map<MessageSystemAttributeName, String> attributes = message.attributes();
            letters.add(new Letter(message.messageId(), envelope.path("eventType").asText(null),
                    envelope.path("eventId").asText(null), envelope.path("correlationId").asText(null),
                    Integer.parseInt(attributes.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            "0")),
                    instant(attributes.get(MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP)),
                    instant(attributes.get(MessageSystemAttributeName.SENT_TIMESTAMP)), message.body()));
        }
        return letters;
    }

    /** Moves every message of a DLQ back to the queue it came from (SQS StartMessageMoveTask). */
    public String redrive(String queueName) {
        String url = queueUrl(queueName);
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return sqs.startMessageMoveTask(r -> r.sourceArn(arn)).taskHandle();
    }

    /** @return the name of the queue purged */
    public String purge(String queueName) {
        String url = queueUrl(queueName);
        sqs.purgeQueue(r -> r.queueUrl(url));
        return name(url);
    }

    /**
     * A queue named by its URL, its name in full, or a part that only one queue's name contains: CDK names a queue
     * after its construct with a generated suffix (e.g. {@code LibraryEvents-AuditConsumerDeadLetters9A8B7C6D-x1y2z3}).
     */
    public String queueUrl(String nameOrPart) {
        if (nameOrPart.startsWith("https://") || nameOrPart.startsWith("http://")) {
            return nameOrPart; // a URL already
        }
        List<String> urls = sqs.listQueuesPaginator(r -> r.maxResults(1000)).queueUrls().stream().toList();
        List<String> exact = urls.stream().filter(url -> name(url).equals(nameOrPart)).toList();
        List<String> matches = exact.isEmpty()
                ? urls.stream().filter(url -> name(url).contains(nameOrPart)).toList() : exact;
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no queue's name contains '" + nameOrPart + "'");
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + nameOrPart + "' is part of more than one queue's name: "
                    + String.join(", ", matches.stream().map(DeadLetters::name).toList()));
        }
        return matches.get(0);
    }

    /** Puts the bus's archived events of [from, to] on the bus again (EventBridge StartReplay). */
    public String replay(String busName, Instant from, Instant to) {
        String busArn = eventBridge.describeEventBus(r -> r.name(busName)).arn();
        Archive archive = eventBridge.listArchives(r -> r.eventSourceArn(busArn)).archives().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("bus " + busName + " has no archive"));
        return eventBridge.startReplay(r -> r.replayName("replay-" + System.currentTimeMillis())
                .eventSourceArn(busArn.replace(":event-bus/" + busName, ":archive/" + archive.archiveName()))
                .eventStartTime(from).eventEndTime(to)
                .destination(d -> d.arn(busArn))).replayArn();
    }

    private static Instant instant(String epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis));
    }

    /** A message is an EventBridge event whose detail is the envelope; anything else is shown as it is. */
    private static JsonNode envelope(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.path("detail").isObject() ? node.path("detail") : node;
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static String name(String queueUrl) {
        return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }
}
