package dev.libraryevents.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link SchemaRules} against a reference JSON Schema 2020-12 validator (networknt, format assertions on), which the
 * functions no longer carry: on every example event, and on each of them spoiled one value at a time in the ways a
 * producer could get it wrong, both must reach the same verdict.
 */
class SchemaRulesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SchemaRegistry REFERENCE = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12, builder -> builder
                    .schemaIdResolvers(resolvers -> resolvers.mapPrefix(EventSchemas.ID_PREFIX, "classpath:schemas/"))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private final EventSchemas schemas = EventSchemas.shared();

    @TestFactory
    Stream<DynamicTest> shouldAgreeWithTheReference_onEveryExampleAndEverySpoiledValueOfIt() {
        return EventExamplesTest.allExamples().map(path -> DynamicTest.dynamicTest(
                EventExamplesTest.SCHEMAS.relativize(path).toString(), () -> {
                    JsonNode example = EventExamplesTest.read(path);
                    JsonNode event = example.has("expectedField") ? example.get("event") : example;
                    EventType type = EventType.fromWireName(event.get("eventType").asText()).orElseThrow();
                    int version = event.get("eventVersion").asInt();
                    Schema reference = REFERENCE.getSchema(SchemaLocation.of(EventSchemas.ID_PREFIX
                            + type.wireName() + "/v" + version + ".json"));
                    List<String> disagreements = new ArrayList<>();
                    for (JsonNode variant : spoiled(event)) {
                        boolean ours = schemas.validate(variant, type, version).isEmpty();
                        boolean theirs = reference.validate(variant).isEmpty();
                        if (ours != theirs) {
                            disagreements.add((theirs ? "accepted by the reference only: " : "refused by the "
                                    + "reference only: ") + variant);
                        }
                    }
                    assertThat(disagreements).isEmpty();
                }));
    }

    @Test
    void shouldJudgeEmailsAsTheReferenceDoes() {
        Schema reference = REFERENCE.getSchema(SchemaLocation.of(EventSchemas.ID_PREFIX
                + "UserRegistered/v" + EventType.USER_REGISTERED.currentVersion() + ".json#/$defs/email"));
        List<String> disagreements = new ArrayList<>();
        for (String email : List.of("ada@example.org", "a.b+c@mail.example.co.uk", "x@y", "o'brien@example.ie",
                "", "plain", "@example.org", "ada@", "ada@@example.org", "a..b@example.org", ".ada@example.org",
                "ada.@example.org", "ada@-example.org", "ada@example-.org", "ada@exa_mple.org", "ada @example.org",
                "ada@example..org", "ada@[127.0.0.1]", "ádá@example.org", "ada@exámple.org",
                "a".repeat(64) + "@example.org", "a".repeat(65) + "@example.org", "\"quoted\"@example.org",
                "ada@localhost", "ada@example.org.", "ada@123.com", "ada@ex--ample.org", "a/b@example.org",
                "x@example.c", "x@example.museum", "x@example.123", "x@example.xn--p1ai", "x@y.z", "x@a.b.c.de")) {
            boolean theirs = reference.validate(TextNode.valueOf(email)).isEmpty();
            if (schemas.acceptsText(EventType.USER_REGISTERED, "email", email) != theirs) {
                disagreements.add(email + (theirs ? " accepted by the reference only" : " refused by it only"));
            }
        }
        assertThat(disagreements).isEmpty();
        // On purpose: the reference also looks the top-level domain up in IANA's list as of its release.
        assertThat(schemas.acceptsText(EventType.USER_REGISTERED, "email", "x@example.zzz")).isTrue();
        assertThat(reference.validate(TextNode.valueOf("x@example.zzz"))).isNotEmpty();
    }

    @Test
    void shouldRefuseASpaceForTheT_whichTheReferenceLetsThrough_forTheCodecCouldNotReadIt() throws Exception {
        JsonNode event = EventExamplesTest.read(EventExamplesTest.SCHEMAS.resolve("BookAdded/examples/v1/valid.json"));
        ((ObjectNode) event).put("occurredAt", "2026-11-22 10:00:00.000Z");

        assertThat(REFERENCE.getSchema(SchemaLocation.of(EventSchemas.ID_PREFIX + "BookAdded/v1.json"))
                .validate(event)).isEmpty();
        assertThat(schemas.validate(event)).extracting(Violation::field).containsExactly("$.occurredAt");
        assertThatThrownBy(() -> EventCodec.parseTimestamp("2026-11-22 10:00:00.000Z"))
                .isInstanceOf(java.time.format.DateTimeParseException.class);
    }

    @Test
    void shouldRefuseToLoadASchemaWithAKeywordItDoesNotEvaluate() {
        SchemaRules rules = new SchemaRules(EventSchemas.ID_PREFIX, "rules-fixtures/");

        assertThatThrownBy(() -> rules.at(EventSchemas.ID_PREFIX + "unsupported.json"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'dependentRequired'");
    }

    /** The event itself, then one variant per value in it: missing, null, of another type, empty, too long, odd. */
    private static List<JsonNode> spoiled(JsonNode event) {
        List<JsonNode> variants = new ArrayList<>(List.of(event));
        List<String> pointers = new ArrayList<>();
        collect(event, "", pointers);
        for (String pointer : pointers) {
            String parent = pointer.substring(0, pointer.lastIndexOf('/'));
            String name = pointer.substring(pointer.lastIndexOf('/') + 1);
            JsonNode original = event.at(pointer);
            List<JsonNode> replacements = new ArrayList<>(List.of(NODES.nullNode(), NODES.numberNode(7),
                    NODES.numberNode(-1), NODES.numberNode(2.5), NODES.textNode(""), NODES.textNode("x"),
                    NODES.textNode("x".repeat(2001)), NODES.textNode("2026-13-01T00:00:00.000Z"),
                    NODES.textNode("2026-11-22T10:00:00Z"), NODES.textNode("2026-11-22t10:00:00.000+01:00"),
                    NODES.textNode("6f1d2a34-2b1c-4c3d-9e8f-0a1b2c3d4e5"), NODES.booleanNode(true),
                    NODES.arrayNode(), NODES.objectNode()));
            if (original.isTextual()) {
                replacements.add(NODES.textNode(original.textValue().toUpperCase()));
                replacements.add(NODES.textNode(original.textValue() + " "));
            }
            if (original.isNumber()) {
                replacements.add(NODES.numberNode(original.asLong() + 1_000_000));
                replacements.add(NODES.numberNode(0));
            }
            for (JsonNode replacement : replacements) {
                JsonNode copy = event.deepCopy();
                ((ObjectNode) copy.at(parent.isEmpty() ? "" : parent)).set(name, replacement);
                variants.add(copy);
            }
            JsonNode without = event.deepCopy();
            ((ObjectNode) without.at(parent.isEmpty() ? "" : parent)).remove(name);
            variants.add(without);
        }
        return variants;
    }

    /** The pointer of every member of every object, arrays' elements left as they are. */
    private static void collect(JsonNode node, String pointer, List<String> pointers) {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String member = pointer + "/" + field.getKey();
            pointers.add(member);
            collect(field.getValue(), member, pointers);
        }
    }
}
