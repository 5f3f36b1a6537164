package dev.libraryevents.support.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.support.auth.Caller;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.idempotency.RecordedAnswers;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** Every API function's Lambda entry: API Gateway's proxy event through {@link HttpApi} to a service's routes. */
public abstract class ApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;
    private final List<String> primingRequests;

    /**
     * @param primingRequests "METHOD /path" or "METHOD /path {json body}" that SnapStart's priming sends as a
     *                        librarian: reads of ids that cannot exist, or writes the service refuses before storing
     *                        anything (a 400 or a 404). {@link #randomId()} makes such ids.
     */
    protected ApiHandler(Router routes, String... primingRequests) {
        this(new HttpApi(routes), primingRequests);
    }

    /** An API whose writes take an {@code Idempotency-Key} (docs/design.md §4e): see {@link HttpApi}. */
    protected ApiHandler(Router routes, RecordedAnswers answers, UnaryOperator<JsonNode> replayed,
                         String... primingRequests) {
        this(new HttpApi(routes, answers, replayed), primingRequests);
    }

    private ApiHandler(HttpApi api, String... primingRequests) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = api;
        this.primingRequests = List.of(primingRequests);
    }

    /** An id nothing in any table has: for priming requests. */
    protected static String randomId() {
        return UUID.randomUUID().toString();
    }

    @Override
    protected void prime() {
        for (String request : primingRequests) {
            String[] parts = request.split(" ", 3);
            ObjectNode event = JsonNodeFactory.instance.objectNode().put("httpMethod", parts[0])
                    .put("path", parts[1]);
            event.putObject("headers").put(CorrelationIds.HEADER, "priming").put("Content-Type", "application/json");
            if (parts.length == 3) {
                event.put("body", parts[2]);
            }
            event.putObject("requestContext").putObject("authorizer").putObject("claims")
                    .put("sub", "priming").put("email", "priming@priming.invalid")
                    .put("cognito:groups", Caller.LIBRARIANS_GROUP).put("token_use", "id");
            handleCanned(event.toString());
        }
    }

    @Override
    public final APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }
}
