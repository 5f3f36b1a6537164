package dev.libraryevents.library;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.library.api.LibraryRoutes;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.HttpApi;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;

/** Lambda entry point of {@code library-api}: every /books, /users and /borrowings route. Needs TABLE_NAME. */
public class LibraryApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    public LibraryApiHandler() {
        this(defaultService());
    }

    public LibraryApiHandler(LibraryService library) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(LibraryRoutes.router(library));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }

    private static LibraryService defaultService() {
        String table = AwsClients.requiredEnv("TABLE_NAME");
        return new LibraryService(
                new LibraryTable(AwsClients.dynamoDb(), table, new Outbox(table, EventCodec.shared())),
                Clock.systemUTC());
    }
}
