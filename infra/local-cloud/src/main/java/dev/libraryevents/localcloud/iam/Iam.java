package dev.libraryevents.localcloud.iam;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * IAM as the template defines it, so that a call that would be refused after {@code cdk deploy} is refused here.
 * Identity policies: each role's inline policies, the {@code AWS::IAM::Policy} and {@code AWS::IAM::ManagedPolicy}
 * resources attached to it, and the AWS managed policies it names. Resource policies: queue policies, bus policies
 * and Lambda permissions. Same-account evaluation: an explicit Deny anywhere wins, then an Allow in either kind.
 * ARNs are resolved as CloudFormation would resolve them ({@link CloudTemplate#resolve}).
 *
 * <p>Transport: every caller on AWS uses TLS, the local endpoints plain HTTP, so {@code aws:SecureTransport} is
 * "true" here; a policy that denies insecure transport would otherwise deny everything.
 */
public final class Iam {

    /** What a call is checked for: the caller's role (null for a service principal), action, resource, context. */
    public record Call(String roleId, String servicePrincipal, String action, String resource, Map<String, String> context) {}

    private record Statement(boolean allow, List<String> actions, List<String> notActions, List<String> resources,
                             List<String> principals, JsonNode condition) {}

    /** The AWS managed policies the stack names, by name: only what matters to the calls the local cloud serves. */
    private static final Map<String, List<String>> MANAGED_ACTIONS = Map.of(
            "AWSLambdaBasicExecutionRole", List.of("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"),
            "AmazonAPIGatewayPushToCloudWatchLogs", List.of("logs:*"));

    private final CloudTemplate template;
    private final Map<String, List<Statement>> identityStatements = new HashMap<>();
    private final Map<String, List<Statement>> resourceStatements = new HashMap<>();

    public Iam(CloudTemplate template) {
        this.template = template;
        template.ofType("AWS::IAM::Role").forEach((role, properties) -> {
            properties.path("Policies").forEach(policy -> identity(role, policy.path("PolicyDocument")));
            properties.path("ManagedPolicyArns").forEach(arn -> managed(role, template.resolve(arn)));
        });
        for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            template.ofType(type).values().forEach(policy -> policy.path("Roles").forEach(role ->
                    identity(CloudTemplate.logicalIdOf(role), policy.path("PolicyDocument"))));
        }
        template.ofType("AWS::SQS::QueuePolicy").values().forEach(policy -> policy.path("Queues").forEach(queue ->
                resource(template.getAtt(CloudTemplate.logicalIdOf(queue), "Arn"),
                        policy.path("PolicyDocument").path("Statement"))));
        template.ofType("AWS::Events::EventBusPolicy").values().forEach(policy ->
                resource(CloudTemplate.arn("events", "event-bus/" + template.resolve(policy.path("EventBusName"))),
                        policy.path("Statement")));
        template.ofType("AWS::Lambda::Permission").values().forEach(permission -> {
            String function = template.resolve(permission.path("FunctionName"));
            String functionArn = function.startsWith("arn:") ? function
                    : CloudTemplate.arn("lambda", "function:" + function);
            List<String> principal = List.of(permission.path("Principal").asText());
            Map<String, List<String>> conditions = new HashMap<>();
            if (permission.has("SourceArn")) {
                conditions.put("aws:SourceArn", List.of(template.resolve(permission.path("SourceArn"))));
            }
            resourceStatements.computeIfAbsent(functionArn, arn -> new ArrayList<>()).add(new Statement(true,
                    List.of(permission.path("Action").asText()), List.of(), List.of(functionArn), principal,
                    CloudTemplate.JSON.valueToTree(Map.of("ArnLike", conditions))));
        });
    }

    /**
     * Checks a call made with an access key: functions sign with their logical id (see LocalCloud's environment),
     * and anyone else (the AWS CLI, tests, bin/ops) is an administrator, as on LocalStack. A denial is logged.
     *
     * @return null when allowed, else AWS's AccessDenied message
     */
    public String check(String accessKey, String action, String resource, Map<String, String> context) {
        if (accessKey == null || !template.typeOf(accessKey).equals("AWS::Lambda::Function")) {
            return null;
        }
        String denial = denial(new Call(roleOf(accessKey), null, action, resource, context));
        if (denial != null) {
            Log.info("IAM denied " + accessKey + ": " + denial);
        }
        return denial;
    }

    /** Checks what a service (the bus, the gateway, Lambda's pollers) does under a resource policy. */
    public String checkService(String servicePrincipal, String action, String resource, String sourceArn) {
        String denial = denial(new Call(null, servicePrincipal, action, resource, Map.of("aws:SourceArn", sourceArn)));
        if (denial != null) {
            Log.info("IAM denied " + servicePrincipal + ": " + denial);
        }
        return denial;
    }

    /** The logical id of a function's execution role. */
    public String roleOf(String functionId) {
        return CloudTemplate.logicalIdOf(template.properties(functionId).path("Role"));
    }

    /** @return null when allowed, else AWS's AccessDenied message */
    public String denial(Call call) {
        return decisions.computeIfAbsent(call, c -> Optional.ofNullable(decide(c))).orElse(null);
    }

    /** Policies do not change while the cloud runs: a call's decision is made once. */
    private final Map<Call, Optional<String>> decisions = new ConcurrentHashMap<>();

    private String decide(Call call) {
        Map<String, String> context = new HashMap<>(call.context());
        context.put("aws:SecureTransport", "true");
        String principal = call.roleId() != null ? template.getAtt(call.roleId(), "Arn") : call.servicePrincipal();
        if (call.roleId() != null) {
            context.put("aws:PrincipalArn", principal);
        }
        List<Statement> identity = call.roleId() == null ? List.of()
                : identityStatements.getOrDefault(call.roleId(), List.of());
        List<Statement> onResource = new ArrayList<>();
        resourceStatements.forEach((arn, statements) -> {
            if (matches(arn, call.resource(), false)) {
                statements.stream().filter(s -> principalMatches(s.principals(), principal)).forEach(onResource::add);
            }
        });
        boolean allowed = false;
        for (List<Statement> statements : List.of(identity, onResource)) {
            for (Statement statement : statements) {
                if (applies(statement, call, context)) {
                    if (!statement.allow()) {
                        return message(call, "with an explicit deny in a " + (statements == identity
                                ? "identity-based" : "resource-based") + " policy");
                    }
                    allowed = true;
                }
            }
        }
        return allowed ? null : message(call, "because no " + (call.roleId() == null ? "resource-based"
                : "identity-based") + " policy allows the " + call.action() + " action");
    }

    private String message(Call call, String reason) {
        String who = call.roleId() != null ? "User: arn:aws:sts::" + CloudTemplate.ACCOUNT + ":assumed-role/"
                + call.roleId() : "Service: " + call.servicePrincipal();
        return who + " is not authorized to perform: " + call.action() + " on resource: " + call.resource() + " "
                + reason;
    }

    private void identity(String role, JsonNode document) {
        for (JsonNode statement : array(document.path("Statement"))) {
            identityStatements.computeIfAbsent(role, r -> new ArrayList<>()).add(statement(statement, List.of()));
        }
    }

    private void managed(String role, String arn) {
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        List<String> actions = MANAGED_ACTIONS.get(name);
        if (actions == null) {
            Log.info("IAM: the managed policy " + arn + " of " + role + " is not known here; it allows nothing");
            return;
        }
        identityStatements.computeIfAbsent(role, r -> new ArrayList<>()).add(new Statement(true, actions, List.of(),
                List.of("*"), List.of(), CloudTemplate.JSON.missingNode()));
    }

    private void resource(String arn, JsonNode statements) {
        for (JsonNode statement : array(statements)) {
            List<String> principals = new ArrayList<>();
            JsonNode principal = statement.path("Principal");
            if (principal.isTextual()) {
                principals.add(principal.asText());
            } else {
                principal.fields().forEachRemaining(kind -> array(kind.getValue()).forEach(value ->
                        principals.add(template.resolve(value))));
            }
            resourceStatements.computeIfAbsent(arn, a -> new ArrayList<>()).add(statement(statement, principals));
        }
    }

    private Statement statement(JsonNode statement, List<String> principals) {
        return new Statement(statement.path("Effect").asText().equals("Allow"), strings(statement.path("Action")),
                strings(statement.path("NotAction")), strings(statement.path("Resource")), principals,
                resolveConditions(statement.path("Condition")));
    }

    /** Conditions whose values are intrinsic functions (a rule's ARN) are resolved once, here. */
    private JsonNode resolveConditions(JsonNode condition) {
        if (condition.isMissingNode()) {
            return condition;
        }
        Map<String, Map<String, List<String>>> resolved = new HashMap<>();
        condition.fields().forEachRemaining(operator -> operator.getValue().fields().forEachRemaining(key ->
                resolved.computeIfAbsent(operator.getKey(), o -> new HashMap<>()).put(key.getKey(),
                        strings(key.getValue()))));
        return CloudTemplate.JSON.valueToTree(resolved);
    }

    private List<String> strings(JsonNode value) {
        List<String> strings = new ArrayList<>();
        if (!value.isMissingNode()) {
            array(value).forEach(one -> strings.add(template.resolve(one)));
        }
        return strings;
    }

    private static Iterable<JsonNode> array(JsonNode value) {
        return value.isArray() ? value : List.of(value);
    }

    private static boolean principalMatches(List<String> principals, String principal) {
        return principals.stream().anyMatch(p -> p.equals("*") || p.equals(principal));
    }

    private static boolean applies(Statement statement, Call call, Map<String, String> context) {
        boolean action = statement.notActions().isEmpty()
                ? statement.actions().stream().anyMatch(a -> matches(a, call.action(), true))
                : statement.notActions().stream().noneMatch(a -> matches(a, call.action(), true));
        return action && (statement.resources().isEmpty()
                || statement.resources().stream().anyMatch(r -> matches(r, call.resource(), false)))
                && conditionsHold(statement.condition(), context);
    }

    /** Every operator and key must hold; a key missing from the request fails all but the negated operators. */
    private static boolean conditionsHold(JsonNode condition, Map<String, String> context) {
        if (condition.isMissingNode()) {
            return true;
        }
        var operators = condition.fields();
        while (operators.hasNext()) {
            var operator = operators.next();
            var keys = operator.getValue().fields();
            while (keys.hasNext()) {
                var key = keys.next();
                String actual = context.get(key.getKey());
                List<String> expected = new ArrayList<>();
                key.getValue().forEach(value -> expected.add(value.asText()));
                if (!holds(operator.getKey(), actual, expected)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, String actual, List<String> expected) {
        if (actual == null) {
            return operator.startsWith("StringNot") || operator.startsWith("ArnNot");
        }
        return switch (operator) {
            case "StringEquals", "ArnEquals" -> expected.contains(actual);
            case "StringNotEquals", "ArnNotEquals" -> !expected.contains(actual);
            case "StringEqualsIgnoreCase" -> expected.stream().anyMatch(actual::equalsIgnoreCase);
            case "StringLike", "ArnLike" -> expected.stream().anyMatch(e -> matches(e, actual, false));
            case "StringNotLike", "ArnNotLike" -> expected.stream().noneMatch(e -> matches(e, actual, false));
            case "Bool" -> expected.contains(actual);
            default -> {
                Log.info("IAM: the condition operator " + operator + " is not evaluated here; it does not hold");
                yield false;
            }
        };
    }

    /** IAM's wildcards: {@code *} any run of characters, {@code ?} one; actions ignore case, resources do not. */
    public static boolean matches(String pattern, String value, boolean ignoreCase) {
        return PATTERNS.computeIfAbsent(ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern, Iam::compile)
                .matcher(ignoreCase ? value.toLowerCase(Locale.ROOT) : value).matches();
    }

    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private static Pattern compile(String wildcards) {
        StringBuilder regex = new StringBuilder();
        for (char c : wildcards.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
