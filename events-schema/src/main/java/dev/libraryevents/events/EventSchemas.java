package dev.libraryevents.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON Schema of every event type and version, loaded from {@code schemas/<EventType>/v<N>.json} on the
 * classpath the first time it is needed, and the validation of an event against the schema it names, by
 * {@link SchemaRules} (the part of JSON Schema these schemas use; the build checks it against a reference validator).
 */
public final class EventSchemas {

    /** The {@code $id} prefix of every schema here; the files themselves are on the classpath. */
    public static final String ID_PREFIX = "https://schemas.library-events.dev/";
    private static final EventSchemas SHARED = new EventSchemas("schemas/");

    private final String resourceRoot;
    private final SchemaRules rules;

    /** @param resourceRoot the classpath folder that holds {@code <EventType>/v<N>.json} */
    EventSchemas(String resourceRoot) {
        this.resourceRoot = resourceRoot;
        this.rules = new SchemaRules(ID_PREFIX, resourceRoot);
    }

    /** Schemas are immutable once loaded, so one instance per JVM serves every handler. */
    public static EventSchemas shared() {
        return SHARED;
    }

    /** Validates an envelope against the schema of the type and version it names. */
    public List<Violation> validate(JsonNode envelope) {
        if (envelope == null || !envelope.isObject()) {
            return List.of(new Violation("$", "an event must be a JSON object"));
        }
        JsonNode typeNode = envelope.get("eventType");
        EventType type = typeNode == null || !typeNode.isTextual()
                ? null : EventType.fromWireName(typeNode.textValue()).orElse(null);
        if (type == null) {
            return List.of(new Violation("$.eventType", "must be one of " + List.of(EventType.values())));
        }
        JsonNode versionNode = envelope.get("eventVersion");
        if (versionNode == null || !versionNode.canConvertToExactIntegral() || !exists(type, versionNode.intValue())) {
            return List.of(new Violation("$.eventVersion", "no schema for " + type + " version " + versionNode));
        }
        return validate(envelope, type, versionNode.intValue());
    }

    /** Validates any JSON against one schema; the compatibility test uses this to try old examples on new schemas. */
    public List<Violation> validate(JsonNode event, EventType type, int version) {
        List<Violation> violations = new ArrayList<>();
        schema(type, version).check(event, "$", violations);
        return violations;
    }

    /**
     * Whether the current schema of {@code type} accepts the text {@code value} as its {@code data.<field>}: the API
     * checks what a client sends with the very rule its event will be held to, so an input the API lets through can
     * never fail the producer's validation afterwards (a 500).
     */
    public boolean acceptsText(EventType type, String field, String value) {
        List<Violation> violations = new ArrayList<>();
        rules.at(id(type, type.currentVersion()) + "#/properties/data/properties/" + field)
                .check(TextNode.valueOf(value), "$", violations);
        return violations.isEmpty();
    }

    /** Every schema version of a type, from 1 up to the first one missing. */
    public List<Integer> versions(EventType type) {
        List<Integer> versions = new ArrayList<>();
        for (int version = 1; exists(type, version); version++) {
            versions.add(version);
        }
        return versions;
    }

    /** A loaded schema exists; only a version not seen yet costs a classpath lookup. */
    private boolean exists(EventType type, int version) {
        String path = resourceRoot + type.wireName() + "/v" + version + ".json";
        return version >= 1 && (rules.isCompiled(id(type, version))
                || EventSchemas.class.getClassLoader().getResource(path) != null);
    }

    private SchemaRules.Rule schema(EventType type, int version) {
        return rules.at(id(type, version));
    }

    private static String id(EventType type, int version) {
        return ID_PREFIX + type.wireName() + "/v" + version + ".json";
    }
}
