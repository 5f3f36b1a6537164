package dev.libraryevents.testing;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQS batches as an EventBridge rule's queue delivers them: each body is the EventBridge event, with the envelope
 * as its {@code detail}. Envelopes come from the examples in events-schema or from the test.
 */
public final class SqsMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SqsMessages() {}

    /** The valid example envelope of an event type, e.g. {@code example("BookBorrowed", "valid")}. */
    public static ObjectNode example(String eventType, String name) {
        String path = "schemas/" + eventType + "/examples/v1/" + name + ".json";
        try (InputStream in = SqsMessages.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no example " + path);
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SQSEvent batch(JsonNode... envelopes) {
        return batch(List.of(envelopes));
    }

    public static SQSEvent batch(List<? extends JsonNode> envelopes) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (JsonNode envelope : envelopes) {
            messages.add(message(eventBridgeEvent(envelope).toString()));
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    public static SQSEvent.SQSMessage message(String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(body);
        message.setEventSource("aws:sqs");
        return message;
    }

    /** What EventBridge hands an SQS target for an entry whose Detail is the envelope. */
    public static ObjectNode eventBridgeEvent(JsonNode envelope) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", envelope.path("eventType").asText());
        event.put("source", envelope.path("source").asText());
        event.put("account", "000000000000");
        event.put("time", envelope.path("occurredAt").asText());
        event.put("region", "us-east-1");
        event.putArray("resources");
        event.set("detail", envelope);
        return event;
    }
}
