package dev.libraryevents.support.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a method and path against path templates such as {@code /books/{bookId}}. API Gateway proxies every path
 * of a service to one function, so the function itself tells an unknown route (404) from a wrong method (405).
 */
public final class Router {

    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    public record Match(Handler handler, Map<String, String> pathParameters) {}

    private record Route(String method, List<String> template, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();

    public Router get(String template, Handler handler) {
        return add("GET", template, handler);
    }

    public Router post(String template, Handler handler) {
        return add("POST", template, handler);
    }

    private Router add(String method, String template, Handler handler) {
        routes.add(new Route(method, segments(template), handler));
        return this;
    }

    public Optional<Match> match(String method, String path) {
        List<String> segments = segments(path);
        for (Route route : routes) {
            if (route.method.equals(method)) {
                Map<String, String> parameters = bind(route.template, segments);
                if (parameters != null) {
                    return Optional.of(new Match(route.handler, parameters));
                }
            }
        }
        return Optional.empty();
    }

    /** The methods some route accepts on this path; empty when no route has this path at all. */
    public Set<String> allowedMethods(String path) {
        List<String> segments = segments(path);
        Set<String> methods = new LinkedHashSet<>();
        for (Route route : routes) {
            if (bind(route.template, segments) != null) {
                methods.add(route.method);
            }
        }
        return methods;
    }

    private static Map<String, String> bind(List<String> template, List<String> segments) {
        if (template.size() != segments.size()) {
            return null;
        }
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String expected = template.get(i);
            String actual = segments.get(i);
            if (expected.startsWith("{") && expected.endsWith("}")) {
                parameters.put(expected.substring(1, expected.length() - 1), actual);
            } else if (!expected.equals(actual)) {
                return null;
            }
        }
        return parameters;
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : (path == null ? "" : path).split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }
}
