package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which {@code Source} each function may put on a bus, read from the identity policies of its role in the template
 * ({@code AWS::IAM::Policy}): IAM's {@code events:source} condition on {@code events:PutEvents}, so that a relay
 * that claims another service's source is refused here as it is on AWS. Callers that are not functions (the CLI,
 * tests, bin/ops) act as an administrator, as on LocalStack.
 */
final class PutEventsPolicy {

    /** A function's allowed sources; {@code ANY_SOURCE} when a statement allows PutEvents with no condition. */
    private static final String ANY_SOURCE = "*";

    private final Map<String, Set<String>> sourcesByFunction = new HashMap<>();

    PutEventsPolicy(CloudTemplate template) {
        Map<String, Set<String>> sourcesByRole = new HashMap<>();
        for (JsonNode policy : template.ofType("AWS::IAM::Policy").values()) {
            for (JsonNode statement : policy.at("/PolicyDocument/Statement")) {
                if (statement.path("Effect").asText().equals("Allow") && allowsPutEvents(statement.path("Action"))) {
                    Set<String> sources = sources(statement.path("Condition"));
                    for (JsonNode role : policy.path("Roles")) {
                        sourcesByRole.computeIfAbsent(role.path("Ref").asText(), r -> new HashSet<>()).addAll(sources);
                    }
                }
            }
        }
        template.ofType("AWS::Lambda::Function").forEach((function, properties) -> {
            JsonNode role = properties.at("/Role/Fn::GetAtt/0");
            sourcesByFunction.put(function, sourcesByRole.getOrDefault(role.asText(), Set.of()));
        });
    }

    /**
     * @param caller the access key a request was signed with: a function's logical id, or anything else
     * @return the {@code AccessDeniedException} message, or null when the call is allowed
     */
    String denial(String caller, List<String> sources) {
        Set<String> allowed = sourcesByFunction.get(caller);
        if (allowed == null || allowed.contains(ANY_SOURCE)) {
            return null;
        }
        for (String source : sources) {
            if (!allowed.contains(source)) {
                return "User: arn:aws:sts::" + CloudTemplate.ACCOUNT + ":assumed-role/" + caller + "/" + caller
                        + " is not authorized to perform: events:PutEvents with source " + source
                        + " because no identity-based policy allows it";
            }
        }
        return null;
    }

    private static boolean allowsPutEvents(JsonNode action) {
        for (JsonNode one : action.isArray() ? action : List.of(action)) {
            String name = one.asText();
            if (name.equals("*") || name.equals("events:*") || name.equals("events:PutEvents")) {
                return true;
            }
        }
        return false;
    }

    /** {@code StringEquals {"events:source": ...}}; no condition allows any source. */
    private static Set<String> sources(JsonNode condition) {
        if (condition.isMissingNode() || condition.isEmpty()) {
            return Set.of(ANY_SOURCE);
        }
        JsonNode values = condition.path("StringEquals").path("events:source");
        Set<String> sources = new HashSet<>();
        for (JsonNode value : values.isArray() ? values : List.of(values)) {
            if (!value.isMissingNode()) {
                sources.add(value.asText());
            }
        }
        return sources;
    }
}
