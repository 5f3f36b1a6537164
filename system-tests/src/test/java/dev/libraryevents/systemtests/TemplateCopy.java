package dev.libraryevents.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A copy of the synthesized template with grants taken out (or a rule's pattern broken), written beside the original
 * so that its assets resolve: how the IAM tests show that a grant matters. Each removal counts what it removed, so a test can insist that the
 * grant was there to begin with.
 */
final class TemplateCopy {

    private final ObjectNode template;
    private int removed;

    private TemplateCopy(ObjectNode template) {
        this.template = template;
    }

    static TemplateCopy ofTheSynthesizedTemplate() throws Exception {
        return new TemplateCopy((ObjectNode) CloudTemplate.JSON.readTree(Stack.template().toFile()));
    }

    /** Takes an action out of every statement of the policies whose logical id starts with the prefix. */
    TemplateCopy withoutAction(String policyPrefix, String action) {
        return withoutStatementsOrActions(policyPrefix, statements -> {
            for (JsonNode statement : statements) {
                if (statement.path("Action").isArray()) {
                    removeAll((ArrayNode) statement.path("Action"), value -> value.asText().equals(action));
                } else if (statement.path("Action").asText().equals(action)) {
                    // a statement of this one action alone: it is left allowing nothing
                    ((ObjectNode) statement).putArray("Action");
                    removed++;
                }
            }
        });
    }

    /** Takes the Allow statements out of the policies whose logical id starts with the prefix. */
    TemplateCopy withoutAllowStatements(String policyPrefix) {
        return withoutStatementsOrActions(policyPrefix, statements ->
                removeAll(statements, statement -> statement.path("Effect").asText().equals("Allow")));
    }

    /** Takes out the resources whose logical id starts with the prefix. */
    TemplateCopy withoutResources(String logicalIdPrefix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
            if (it.next().getKey().startsWith(logicalIdPrefix)) {
                it.remove();
                removed++;
            }
        }
        return this;
    }

    /** Replaces the event pattern of the rules whose logical id starts with the prefix (counted as removals). */
    TemplateCopy withRulePattern(String rulePrefix, String pattern) throws Exception {
        JsonNode replacement = CloudTemplate.JSON.readTree(pattern);
        template.path("Resources").fields().forEachRemaining(resource -> {
            if (resource.getKey().startsWith(rulePrefix)) {
                ((ObjectNode) resource.getValue().path("Properties")).set("EventPattern", replacement);
                removed++;
            }
        });
        return this;
    }

    /** How many actions, statements and resources the removals took out. */
    int removed() {
        return removed;
    }

    /** Writes the copy beside the synthesized template, named after the stack it stands for. */
    Path write(String stackName) throws Exception {
        Path copy = Stack.template().resolveSibling(stackName + ".template.json");
        CloudTemplate.JSON.writeValue(copy.toFile(), template);
        return copy;
    }

    private TemplateCopy withoutStatementsOrActions(String policyPrefix, Consumer<ArrayNode> edit) {
        template.path("Resources").fields().forEachRemaining(resource -> {
            if (resource.getKey().startsWith(policyPrefix)) {
                edit.accept((ArrayNode) resource.getValue().at("/Properties/PolicyDocument/Statement"));
            }
        });
        return this;
    }

    private void removeAll(ArrayNode array, Predicate<JsonNode> matching) {
        for (int i = array.size() - 1; i >= 0; i--) {
            if (matching.test(array.get(i))) {
                array.remove(i);
                removed++;
            }
        }
    }
}
