package dev.libraryevents.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Maps between the envelope JSON of docs/design.md §3 and {@link EventEnvelope}. The only place that knows the wire
 * format: the records carry no annotations. Decoding validates against the schema the event names, so a record in hand
 * is always a valid event.
 */
public final class EventCodec {

    /** Every instant on the wire: UTC with exactly three fraction digits, e.g. {@code 2026-11-22T10:00:00.123Z}. */
    public static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final EventCodec SHARED = new EventCodec(EventSchemas.shared());

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new SimpleModule("event-timestamps")
                    .addSerializer(Instant.class, new TimestampSerializer())
                    .addDeserializer(Instant.class, new TimestampDeserializer()))
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            // A consumer still on an older version ignores the optional fields a newer producer adds.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final EventSchemas schemas;

    public EventCodec(EventSchemas schemas) {
        this.schemas = schemas;
    }

    public static EventCodec shared() {
        return SHARED;
    }

    public static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    public ObjectNode toJson(EventEnvelope event) {
        ObjectNode node = mapper.createObjectNode();
        node.put("eventId", event.eventId());
        node.put("eventType", event.eventType().wireName());
        node.put("eventVersion", event.eventVersion());
        node.put("occurredAt", timestamp(event.occurredAt()));
        node.put("source", event.source());
        node.put("correlationId", event.correlationId());
        node.put("causationId", event.causationId());
        node.put("aggregateType", event.aggregateType());
        node.put("aggregateId", event.aggregateId());
        node.put("sequence", event.sequence());
        node.set("data", mapper.valueToTree(event.data()));
        if (event.actor() != null) {
            ObjectNode actor = node.putObject("actor");
            if (event.actor().sub() != null) {
                actor.put("sub", event.actor().sub());
            }
            actor.put("role", event.actor().role());
        }
        return node;
    }

    public String encode(EventEnvelope event) {
        return toJson(event).toString();
    }

    /** Encodes and checks the result against its schema: producers call this before an event reaches the outbox. */
    public String encodeValidated(EventEnvelope event) {
        ObjectNode json = toJson(event);
        List<Violation> violations = schemas.validate(json);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        return json.toString();
    }

    /** @throws InvalidEventException when the text is not JSON or not a valid event */
    public EventEnvelope decode(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$", "not JSON: " + e.getOriginalMessage());
        }
        return fromJson(node);
    }

    /** @throws InvalidEventException when the node is not a valid event */
    public EventEnvelope fromJson(JsonNode node) {
        List<Violation> violations = schemas.validate(node);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        EventType type = EventType.fromWireName(node.get("eventType").textValue()).orElseThrow();
        try {
            return new EventEnvelope(
                    node.get("eventId").textValue(),
                    node.get("eventVersion").intValue(),
                    parseTimestamp(node.get("occurredAt").textValue()),
                    node.get("correlationId").textValue(),
                    node.path("causationId").textValue(),
                    node.get("aggregateId").textValue(),
                    node.get("sequence").longValue(),
                    mapper.treeToValue(node.get("data"), type.dataClass()),
                    node.has("actor") ? new EventEnvelope.Actor(node.path("actor").path("sub").textValue(),
                            node.path("actor").path("role").textValue()) : null);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("$.data", e.getOriginalMessage());
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    static Instant parseTimestamp(String text) {
        return OffsetDateTime.parse(text).toInstant();
    }

    private static final class TimestampSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(timestamp(value));
        }
    }

    private static final class TimestampDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return parseTimestamp(parser.getValueAsString());
        }
    }
}
