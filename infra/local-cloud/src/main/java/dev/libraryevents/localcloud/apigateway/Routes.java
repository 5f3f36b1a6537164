package dev.libraryevents.localcloud.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The REST API's methods from the template as routes: a resource path with its {parameters} and greedy {proxy+}, the
 * function its Lambda proxy integration invokes, and its Cognito authorizer; matched the most specific first, as
 * API Gateway does (literal segments before parameters before greedy ones, a method before {@code ANY}).
 */
final class Routes {

    private static final String GREEDY = "+}";

    /** A {@code COGNITO_USER_POOLS} authorizer: the header its token comes in and the pools it trusts. */
    record Authorizer(String header, List<String> poolArns) {}

    /** @param authorizer null for a method anyone may call */
    record Route(String method, String resourcePath, List<String> template, LocalFunction function,
                         String functionArn, Authorizer authorizer, Map<String, Boolean> permitted) {

        /** Literal segments before {parameters} before {greedy+}, position by position: API Gateway's precedence. */
        int rank(int position) {
            String segment = position < template.size() ? template.get(position) : "";
            return segment.endsWith(GREEDY) ? 2 : segment.startsWith("{") ? 1 : 0;
        }
    }

    private static final Comparator<Route> MOST_SPECIFIC_FIRST = (a, b) -> {
        for (int i = 0; i < Math.max(a.template.size(), b.template.size()); i++) {
            int order = Integer.compare(a.rank(i), b.rank(i));
            if (order != 0) {
                return order;
            }
        }
        return Boolean.compare(a.method.equals("ANY"), b.method.equals("ANY"));
    };

    /** What an integration may invoke: a function, or one of its versions or aliases. */
    private static final Set<String> INVOCABLE = Set.of("AWS::Lambda::Function", "AWS::Lambda::Version",
            "AWS::Lambda::Alias");

    private final List<Route> routes = new ArrayList<>();

    Routes(CloudTemplate template, Map<String, LocalFunction> functions) {
        for (Map.Entry<String, JsonNode> method : template.ofType("AWS::ApiGateway::Method").entrySet()) {
            JsonNode properties = method.getValue();
            String resourcePath = path(template, properties.path("ResourceId").path("Ref").asText());
            String targetId = invokedBy(template, properties.path("Integration").path("Uri"));
            routes.add(new Route(properties.path("HttpMethod").asText(), resourcePath.isEmpty() ? "/" : resourcePath,
                    segments(resourcePath), functions.get(template.functionBehind(targetId)),
                    template.invocationArn(targetId),
                    authorizer(template, properties), new ConcurrentHashMap<>()));
        }
        routes.sort(MOST_SPECIFIC_FIRST);
    }

    /** The route a request takes, its path parameters bound into {@code parameters}; null for none. */
    Route match(String method, String path, Map<String, String> parameters) {
        for (Route candidate : routes) {
            if ((candidate.method().equals(method) || candidate.method().equals("ANY"))
                    && bind(candidate.template(), segments(path), parameters)) {
                return candidate;
            }
        }
        return null;
    }

    /** The method's {@code COGNITO_USER_POOLS} authorizer, or null when it has none. */
    private static Authorizer authorizer(CloudTemplate template, JsonNode method) {
        if (!method.path("AuthorizationType").asText("NONE").equals("COGNITO_USER_POOLS")) {
            return null;
        }
        JsonNode authorizer = template.properties(method.path("AuthorizerId").path("Ref").asText());
        String source = authorizer.path("IdentitySource").asText("method.request.header.Authorization");
        List<String> pools = new ArrayList<>();
        authorizer.path("ProviderARNs").forEach(arn -> pools.add(template.resolve(arn)));
        return new Authorizer(source.substring(source.lastIndexOf('.') + 1), pools);
    }

    private static boolean bind(List<String> template, List<String> segments, Map<String, String> parameters) {
        parameters.clear();
        boolean greedy = !template.isEmpty() && template.get(template.size() - 1).endsWith(GREEDY);
        if (greedy ? segments.size() < template.size() : template.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            if (expected.endsWith(GREEDY)) {
                List<String> rest = new ArrayList<>();
                segments.subList(i, segments.size())
                        .forEach(s -> rest.add(URLDecoder.decode(s, StandardCharsets.UTF_8)));
                parameters.put(expected.substring(1, expected.length() - GREEDY.length()), String.join("/", rest));
                return true;
            }
            if (expected.startsWith("{") && expected.endsWith("}")) {
                parameters.put(expected.substring(1, expected.length() - 1),
                        URLDecoder.decode(segments.get(i), StandardCharsets.UTF_8));
            } else if (!expected.equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    private static String path(CloudTemplate template, String resourceId) {
        if (!template.typeOf(resourceId).equals("AWS::ApiGateway::Resource")) {
            return "";
        }
        JsonNode resource = template.properties(resourceId);
        return path(template, resource.path("ParentId").path("Ref").asText()) + "/"
                + resource.path("PathPart").asText();
    }

    /** The function, version or alias whose ARN the integration URI is built from. */
    private static String invokedBy(CloudTemplate template, JsonNode uri) {
        String referenced = uri.has("Fn::GetAtt") ? uri.get("Fn::GetAtt").get(0).asText()
                : uri.has("Ref") ? uri.get("Ref").asText() : null;
        if (referenced != null && INVOCABLE.contains(template.typeOf(referenced))) {
            return referenced;
        }
        for (JsonNode child : uri) {
            String found = invokedBy(template, child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

}
