package dev.libraryevents.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The part of JSON Schema 2020-12 that the event schemas use, evaluated over Jackson's tree: what each function's
 * cold start would otherwise pay a general validator for (docs/performance.md). A schema that uses a keyword outside
 * this part fails to load, so a new schema cannot be checked less strictly than it says; {@code SchemaRulesTest}
 * holds the answers to those of a reference implementation on every example.
 *
 * <p>Supported: {@code $ref} (to another file, or into one by a JSON pointer), {@code type}, {@code const},
 * {@code enum}, {@code required}, {@code properties}, {@code items}, {@code uniqueItems}, {@code anyOf},
 * {@code additionalProperties}, {@code not}, {@code if}/{@code then}/{@code else}, {@code minLength},
 * {@code maxLength}, {@code minimum}, {@code maximum}, {@code pattern}, and {@code format} ({@code uuid},
 * {@code date-time}, {@code email}) as an assertion. Annotations are ignored.
 */
final class SchemaRules {

    /** A compiled schema: it appends what is wrong with an instance, each at its field. */
    interface Rule {
        void check(JsonNode instance, String field, List<Violation> violations);
    }

    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$defs", "title", "description",
            "examples", "$comment");
    private static final Pattern UUID = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Pattern DATE_TIME = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$");
    /**
     * RFC 5321's mailbox, as RFC 6531 widens it to UTF-8: a dot-atom or quoted local part, at a host name of
     * letter-digit-hyphen labels or an address literal.
     */
    private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\x{80}-\\x{10FFFF}]++";
    private static final String LABEL_CHARACTER = "[A-Za-z0-9\\x{80}-\\x{10FFFF}]";
    private static final String LABEL = LABEL_CHARACTER + "(?:[A-Za-z0-9\\-\\x{80}-\\x{10FFFF}]{0,61}"
            + LABEL_CHARACTER + ")?";
    /**
     * A dotted host name's last label: letters (two or more), or an internationalized one. The reference validator
     * also holds it to IANA's list of top-level domains as of its release; a list frozen into the jar would refuse
     * the domains delegated after it, so the shape is what is checked here.
     */
    private static final Pattern TOP_LEVEL_DOMAIN =
            Pattern.compile("^(?:\\p{L}{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})$");
    private static final String QUOTED = "\"(?:[^\"\\\\\\r\\n]++|\\\\.)*+\"";
    private static final Pattern EMAIL = Pattern.compile("^(?:" + ATOM + "(?:\\." + ATOM + ")*+|" + QUOTED + ")@(?:"
            + LABEL + "(?:\\." + LABEL + ")*+|\\[[0-9.:A-Fa-f]++])$");

    private final ObjectMapper json = new ObjectMapper();
    private final String idPrefix;
    private final String resourceRoot;
    private final Map<String, JsonNode> documents = new HashMap<>(); // guarded by this
    /** Read without the lock: once compiled, a rule never changes. */
    private final Map<String, Rule> compiled = new ConcurrentHashMap<>();

    /** @param idPrefix the {@code $id} prefix whose documents are under {@code resourceRoot} on the classpath */
    SchemaRules(String idPrefix, String resourceRoot) {
        this.idPrefix = idPrefix;
        this.resourceRoot = resourceRoot;
    }

    /** The schema at an absolute location ({@code <id>} or {@code <id>#<pointer>}), compiled once. */
    Rule at(String location) {
        Rule rule = compiled.get(location);
        return rule != null ? rule : load(location);
    }

    /** Whether the schema at a location has been compiled: its file is known to exist. */
    boolean isCompiled(String location) {
        return compiled.containsKey(location);
    }

    private synchronized Rule load(String location) {
        Rule rule = compiled.get(location);
        if (rule == null) {
            URI uri = URI.create(location);
            String document = location.contains("#") ? location.substring(0, location.indexOf('#')) : location;
            JsonNode node = document(document).at(uri.getRawFragment() == null ? "" : uri.getFragment());
            if (node.isMissingNode()) {
                throw new IllegalStateException("no schema at " + location);
            }
            rule = compile(node, URI.create(document));
            compiled.put(location, rule);
        }
        return rule;
    }

    private JsonNode document(String id) {
        return documents.computeIfAbsent(id, key -> {
            if (!key.startsWith(idPrefix)) {
                throw new IllegalStateException(key + " is not one of this project's schemas");
            }
            String path = resourceRoot + key.substring(idPrefix.length());
            try (InputStream in = SchemaRules.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("no schema file " + path + " on the classpath");
                }
                return json.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Rule compile(JsonNode schema, URI base) {
        if (!schema.isObject()) {
            throw new IllegalStateException("a schema must be an object here, not " + schema);
        }
        List<Rule> rules = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = schema.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> keyword = fields.next();
            if (!ANNOTATIONS.contains(keyword.getKey())) {
                rules.add(keyword(keyword.getKey(), keyword.getValue(), schema, base));
            }
        }
        return (instance, field, violations) -> rules.forEach(rule -> rule.check(instance, field, violations));
    }

    private Rule keyword(String name, JsonNode value, JsonNode schema, URI base) {
        return switch (name) {
            case "$ref" -> {
                // Looked up when checked: a schema may refer to one still being compiled.
                String target = base.resolve(value.textValue()).toString();
                yield (instance, field, violations) -> at(target).check(instance, field, violations);
            }
            case "type" -> type(value);
            case "const" -> (instance, field, violations) -> {
                if (!same(instance, value)) {
                    violations.add(new Violation(field, "must be the constant value " + value));
                }
            };
            case "enum" -> (instance, field, violations) -> {
                for (JsonNode allowed : value) {
                    if (same(instance, allowed)) {
                        return;
                    }
                }
                violations.add(new Violation(field, "does not have a value in the enumeration " + value));
            };
            case "required" -> (instance, field, violations) -> {
                if (instance.isObject()) {
                    value.forEach(property -> {
                        if (!instance.has(property.textValue())) {
                            violations.add(new Violation(field + "." + property.textValue(),
                                    "required property '" + property.textValue() + "' not found"));
                        }
                    });
                }
            };
            case "properties" -> {
                Map<String, Rule> properties = new HashMap<>();
                value.fields().forEachRemaining(p -> properties.put(p.getKey(), compile(p.getValue(), base)));
                yield (instance, field, violations) -> {
                    if (instance.isObject()) {
                        properties.forEach((property, rule) -> {
                            if (instance.has(property)) {
                                rule.check(instance.get(property), field + "." + property, violations);
                            }
                        });
                    }
                };
            }
            case "items" -> {
                Rule items = compile(value, base);
                yield (instance, field, violations) -> {
                    if (instance.isArray()) {
                        for (int i = 0; i < instance.size(); i++) {
                            items.check(instance.get(i), field + "[" + i + "]", violations);
                        }
                    }
                };
            }
            case "uniqueItems" -> (instance, field, violations) -> {
                if (value.booleanValue() && instance.isArray()) {
                    for (int i = 0; i < instance.size(); i++) {
                        for (int j = i + 1; j < instance.size(); j++) {
                            if (same(instance.get(i), instance.get(j))) {
                                violations.add(new Violation(field, "must have only unique items"));
                                return;
                            }
                        }
                    }
                }
            };
            case "anyOf" -> {
                List<Rule> options = new ArrayList<>();
                value.forEach(option -> options.add(compile(option, base)));
                yield (instance, field, violations) -> {
                    List<Violation> all = new ArrayList<>();
                    for (Rule option : options) {
                        List<Violation> these = new ArrayList<>();
                        option.check(instance, field, these);
                        if (these.isEmpty()) {
                            return;
                        }
                        all.addAll(these);
                    }
                    violations.add(new Violation(field, "must be valid against one of its " + options.size()
                            + " schemas: " + all.stream().map(Violation::message).distinct().toList()));
                };
            }
            case "minLength" -> text((text, field, violations) -> {
                if (text.codePointCount(0, text.length()) < value.intValue()) {
                    violations.add(new Violation(field, "must be at least " + value.intValue() + " characters long"));
                }
            });
            case "maxLength" -> text((text, field, violations) -> {
                if (text.codePointCount(0, text.length()) > value.intValue()) {
                    violations.add(new Violation(field, "must be at most " + value.intValue() + " characters long"));
                }
            });
            case "pattern" -> {
                Pattern pattern = Pattern.compile(value.textValue());
                yield text((text, field, violations) -> {
                    if (!pattern.matcher(text).find()) {
                        violations.add(new Violation(field, "does not match the pattern " + value.textValue()));
                    }
                });
            }
            case "format" -> format(value.textValue());
            case "additionalProperties" -> {
                Set<String> declared = new HashSet<>();
                schema.path("properties").fieldNames().forEachRemaining(declared::add);
                Rule others = value.isBoolean() ? null : compile(value, base);
                boolean allowed = value.isBoolean() && value.booleanValue();
                yield (instance, field, violations) -> {
                    if (instance.isObject() && !allowed) {
                        instance.fieldNames().forEachRemaining(member -> {
                            if (!declared.contains(member)) {
                                if (others == null) {
                                    violations.add(new Violation(field + "." + member, "is not defined in the schema "
                                            + "and the schema does not allow additional properties"));
                                } else {
                                    others.check(instance.get(member), field + "." + member, violations);
                                }
                            }
                        });
                    }
                };
            }
            case "not" -> {
                Rule negated = compile(value, base);
                yield (instance, field, violations) -> {
                    if (passes(negated, instance, field)) {
                        violations.add(new Violation(field, "must not be valid against the schema " + value));
                    }
                };
            }
            case "if" -> {
                Rule condition = compile(value, base);
                Rule then = schema.has("then") ? compile(schema.get("then"), base) : null;
                Rule otherwise = schema.has("else") ? compile(schema.get("else"), base) : null;
                yield (instance, field, violations) -> {
                    Rule branch = passes(condition, instance, field) ? then : otherwise;
                    if (branch != null) {
                        branch.check(instance, field, violations);
                    }
                };
            }
            case "then", "else" -> (instance, field, violations) -> { }; // evaluated by "if"
            case "minimum" -> (instance, field, violations) -> {
                if (instance.isNumber() && instance.decimalValue().compareTo(value.decimalValue()) < 0) {
                    violations.add(new Violation(field, "must have a minimum value of " + value));
                }
            };
            case "maximum" -> (instance, field, violations) -> {
                if (instance.isNumber() && instance.decimalValue().compareTo(value.decimalValue()) > 0) {
                    violations.add(new Violation(field, "must have a maximum value of " + value));
                }
            };
            default -> throw new IllegalStateException("the keyword '" + name + "' (in " + schema + ") is not one "
                    + "this project's schema rules evaluate: add it to SchemaRules, with its reference test");
        };
    }

    private static boolean passes(Rule rule, JsonNode instance, String field) {
        List<Violation> violations = new ArrayList<>();
        rule.check(instance, field, violations);
        return violations.isEmpty();
    }

    private interface TextRule {
        void check(String text, String field, List<Violation> violations);
    }

    /** A rule on strings only; other types pass it, as JSON Schema says. */
    private static Rule text(TextRule rule) {
        return (instance, field, violations) -> {
            if (instance.isTextual()) {
                rule.check(instance.textValue(), field, violations);
            }
        };
    }

    private static Rule format(String format) {
        return switch (format) {
            case "uuid" -> text((text, field, violations) -> {
                if (!UUID.matcher(text).matches()) {
                    violations.add(new Violation(field, "does not match the uuid pattern"));
                }
            });
            case "date-time" -> text((text, field, violations) -> {
                if (!dateTime(text)) {
                    violations.add(new Violation(field, "does not match the date-time pattern"));
                }
            });
            case "email" -> text((text, field, violations) -> {
                int at = text.lastIndexOf('@');
                String domain = text.substring(at + 1);
                String topLevel = domain.startsWith("[") || !domain.contains(".") ? null
                        : domain.substring(domain.lastIndexOf('.') + 1);
                if (!EMAIL.matcher(text).matches() || at > 64 || domain.length() > 255
                        || topLevel != null && !TOP_LEVEL_DOMAIN.matcher(topLevel).matches()) {
                    violations.add(new Violation(field, "does not match the email pattern"));
                }
            });
            default -> throw new IllegalStateException("the format '" + format + "' is not one this project's "
                    + "schema rules evaluate");
        };
    }

    /**
     * RFC 3339: a real date and time of day with an offset, with its "T" (the reference validator lets a space
     * stand for it, as RFC 3339 allows applications to; the codec could not parse it, so it is refused here).
     */
    private static boolean dateTime(String text) {
        if (!DATE_TIME.matcher(text).matches()) {
            return false;
        }
        try {
            OffsetDateTime.parse(text.toUpperCase(Locale.ROOT));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static Rule type(JsonNode value) {
        List<String> types = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(t -> types.add(t.textValue()));
        } else {
            types.add(value.textValue());
        }
        types.forEach(t -> {
            if (!Set.of("string", "integer", "number", "object", "array", "boolean", "null").contains(t)) {
                throw new IllegalStateException("no JSON type " + t);
            }
        });
        return (instance, field, violations) -> {
            if (types.stream().noneMatch(t -> isOfType(instance, t))) {
                violations.add(new Violation(field, jsonType(instance) + " found, " + String.join(" or ", types)
                        + " expected"));
            }
        };
    }

    private static boolean isOfType(JsonNode instance, String type) {
        return switch (type) {
            case "string" -> instance.isTextual();
            case "integer" -> instance.isIntegralNumber()
                    || instance.isNumber() && instance.canConvertToExactIntegral();
            case "number" -> instance.isNumber();
            case "object" -> instance.isObject();
            case "array" -> instance.isArray();
            case "boolean" -> instance.isBoolean();
            default -> instance.isNull();
        };
    }

    private static String jsonType(JsonNode instance) {
        return instance.isTextual() ? "string" : instance.isIntegralNumber() ? "integer" : instance.isNumber()
                ? "number" : instance.isObject() ? "object" : instance.isArray() ? "array" : instance.isBoolean()
                ? "boolean" : "null";
    }

    /** JSON equality: numbers by value (1 and 1.0 are the same), objects and arrays member by member. */
    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!b.has(name) || !same(a.get(name), b.get(name))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
