package dev.libraryevents.support.http;

import java.util.HashMap;
import java.util.Map;

/** Ends a request with a problem response; thrown by routes and request parsing, answered by {@link HttpApi}. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    public ProblemException(Problem problem) {
        this(problem, Map.of());
    }

    private ProblemException(Problem problem, Map<String, String> headers) {
        super(problem.slug() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    public Problem problem() {
        return problem;
    }

    /** Headers the problem's response carries besides the ones every response gets ({@code Retry-After}, say). */
    public Map<String, String> headers() {
        return headers;
    }

    public ProblemException withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new ProblemException(problem, more);
    }
}
