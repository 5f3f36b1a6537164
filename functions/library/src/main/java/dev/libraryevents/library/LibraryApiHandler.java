package dev.libraryevents.library;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.libraryevents.library.api.LibraryRoutes;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.HttpApi;

/** Lambda entry point of {@code library-api}: every /books, /users and /borrowings route. Needs TABLE_NAME. */
public class LibraryApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    public LibraryApiHandler() {
        this(Wiring.service(AwsClients.dynamoDb()));
    }

    public LibraryApiHandler(LibraryService library) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(LibraryRoutes.router(library));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }
}
