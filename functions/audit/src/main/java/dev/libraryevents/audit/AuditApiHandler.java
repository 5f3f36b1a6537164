package dev.libraryevents.audit;

import dev.libraryevents.audit.api.AuditRoutes;
import dev.libraryevents.audit.store.AuditQueries;
import dev.libraryevents.audit.store.Snapshots;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.http.ApiHandler;
import dev.libraryevents.support.privacy.PersonalData;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Lambda entry point of {@code audit-api}: trails, state at an instant, snapshots and traces. Needs TABLE_NAME and
 * KEY_TABLE. */
public class AuditApiHandler extends ApiHandler {

    public AuditApiHandler() {
        this(AwsClients.dynamoDb());
    }

    private AuditApiHandler(DynamoDbClient dynamoDb) {
        this(Wiring.queries(dynamoDb), Wiring.snapshots(dynamoDb), PersonalData.fromEnvironment(), Clock.systemUTC());
    }

    private final PersonalData personalData;

    public AuditApiHandler(AuditQueries queries, Snapshots snapshots, PersonalData personalData, Clock clock) {
        super(AuditRoutes.router(queries, snapshots, personalData, clock), "GET /audit/borrowings/" + randomId(),
                "GET /audit/users/" + randomId() + "/state", "GET /traces/" + randomId());
        this.personalData = personalData;
    }

    /**
     * The reads above find nothing; what the routes do with what they find, and the opening of the names in it
     * (every trail of a loan or a user holds one), are primed apart.
     */
    @Override
    protected void prime() {
        super.prime();
        AuditRoutes.primeRendering();
        personalData.prime();
    }
}
