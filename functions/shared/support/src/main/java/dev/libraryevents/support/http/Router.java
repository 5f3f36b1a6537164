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

    /**
     * Whose resource a request is about, or for whom it acts (docs/design.md §4a): the user id, or empty when the
     * request names nobody who exists (the route then answers it with its own 400 or 404).
     */
    @FunctionalInterface
    public interface Owner {
        Optional<String> of(ApiRequest request);
    }

    /** The owner of a route with a {@code {userId}} in its path, unless the route names another. */
    private static final Owner USER_IN_PATH = request -> Optional.ofNullable(request.pathParameter("userId"));

    /** A route as registered: {@code owner} is null unless its path names a user or the route says who owns it. */
    public record Route(String method, String template, Owner owner, Handler handler) {}

    public record Match(Route route, Map<String, String> pathParameters) {}

    /** A route with its template split once, not at every request. */
    private record Entry(Route route, List<String> segments) {}

    private final List<Entry> routes = new ArrayList<>();

    public Router get(String template, Handler handler) {
        return add("GET", template, null, handler);
    }

    public Router post(String template, Handler handler) {
        return add("POST", template, null, handler);
    }

    public Router delete(String template, Handler handler) {
        return add("DELETE", template, null, handler);
    }

    /** A route about a resource of one user, which {@code owner} finds (a borrowing's borrower, say). */
    public Router get(String template, Owner owner, Handler handler) {
        return add("GET", template, owner, handler);
    }

    public Router post(String template, Owner owner, Handler handler) {
        return add("POST", template, owner, handler);
    }

    public Router delete(String template, Owner owner, Handler handler) {
        return add("DELETE", template, owner, handler);
    }

    private Router add(String method, String template, Owner owner, Handler handler) {
        List<String> segments = segments(template);
        Owner found = owner != null ? owner : segments.contains("{userId}") ? USER_IN_PATH : null;
        routes.add(new Entry(new Route(method, template, found, handler), segments));
        return this;
    }

    public List<Route> routes() {
        return routes.stream().map(Entry::route).toList();
    }

    public Optional<Match> match(String method, String path) {
        List<String> segments = segments(path);
        for (Entry entry : routes) {
            if (entry.route.method.equals(method)) {
                Map<String, String> parameters = bind(entry.segments, segments);
                if (parameters != null) {
                    return Optional.of(new Match(entry.route, parameters));
                }
            }
        }
        return Optional.empty();
    }

    /** The methods some route accepts on this path; empty when no route has this path at all. */
    public Set<String> allowedMethods(String path) {
        List<String> segments = segments(path);
        Set<String> methods = new LinkedHashSet<>();
        for (Entry entry : routes) {
            if (bind(entry.segments, segments) != null) {
                methods.add(entry.route.method);
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
