package dev.libraryevents.audit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import dev.libraryevents.audit.api.AuditRoutes;
import dev.libraryevents.audit.store.AuditQueries;
import dev.libraryevents.audit.store.Snapshots;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.http.HttpApi;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code audit-api}: trails, state at an instant, snapshots and traces. Needs TABLE_NAME. */
public class AuditApiHandler extends JsonHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {

    private final HttpApi api;

    public AuditApiHandler() {
        this(AwsClients.dynamoDb());
    }

    private AuditApiHandler(DynamoDbClient dynamoDb) {
        this(Wiring.queries(dynamoDb), Wiring.snapshots(dynamoDb), Clock.systemUTC());
    }

    public AuditApiHandler(AuditQueries queries, Snapshots snapshots, Clock clock) {
        super(APIGatewayProxyRequestEvent.class);
        this.api = new HttpApi(AuditRoutes.router(queries, snapshots, clock));
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        return api.handle(event);
    }
}
