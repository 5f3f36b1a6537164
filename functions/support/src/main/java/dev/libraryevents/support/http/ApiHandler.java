package dev.libraryevents.support.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.libraryevents.support.aws.JsonHandler;

/** Every API function's Lambda entry: API Gateway's proxy event through {@link HttpApi} to a service's routes. */
public abstract class ApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    protected ApiHandler(Router routes) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(routes);
    }

    @Override
    public final APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }
}
