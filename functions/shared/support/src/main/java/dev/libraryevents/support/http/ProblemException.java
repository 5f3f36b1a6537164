package dev.libraryevents.support.http;

/** Ends a request with a problem response; thrown by routes and request parsing, answered by {@link HttpApi}. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.slug() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
