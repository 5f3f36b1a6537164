package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.hooks.ColdStart;
import dev.libraryevents.testing.OpenApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The whole system end to end over HTTP, on a local cloud started from the freshly synthesized template. */
class LocalCloudIT {

    @RegisterExtension
    static final RunningLocalCloud CLOUD = RunningLocalCloud.started();

    private static LocalCloud cloud;
    private static Stack.Api api;

    @BeforeAll
    static void connect() {
        cloud = CLOUD.cloud();
        api = Stack.librarian(cloud);
    }

    @Test
    void shouldRunTheLendingLifecycle_withEveryConsumersResult() throws Exception {
        Scenarios.lifecycle(api);
    }

    @Test
    void shouldLetAMemberDoTheirOwnThings_andALibrarianEverything() throws Exception {
        try (Stack.SignIns signIns = Stack.SignIns.at(cloud.awsEndpoint(), "LibraryEvents")) {
            Scenarios.memberAndLibrarian(api, api.as(signIns.member()));
        }
    }

    @Test
    void shouldLetAMemberSearchTheCatalogAndSeeTheirLoans_andALibrarianListEveryone() throws Exception {
        try (Stack.SignIns signIns = Stack.SignIns.at(cloud.awsEndpoint(), "LibraryEvents")) {
            Scenarios.catalogAndLists(api, api.as(signIns.member()));
        }
    }

    @Test
    void shouldQueueAMemberForABookThatIsOut_andSetTheReturnedCopyAsideForThem() throws Exception {
        try (Stack.SignIns signIns = Stack.SignIns.at(cloud.awsEndpoint(), "LibraryEvents")) {
            Scenarios.holds(api, api.as(signIns.member()));
        }
    }

    /** docs/openapi.yaml's other direction: each operation it names reaches a route (every answer fits it, too). */
    @Test
    void shouldServeEveryOperationTheOpenApiDocumentNames() throws Exception {
        for (String operation : OpenApi.load().operations()) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(method.length() + 1)
                    .replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
            Stack.Api.Response answer = switch (method) {
                case "GET" -> api.get(path);
                case "POST" -> api.post(path, null, "it-openapi");
                case "DELETE" -> api.delete(path, "it-openapi");
                default -> throw new AssertionError("no test sends " + operation);
            };
            assertThat(answer.body().path("type").asText()).as(operation)
                    .isNotIn("urn:problem:route-not-found", "urn:problem:method-not-allowed");
        }
    }

    @Test
    void shouldMeterEachFunctionsCalls_underItsOwnName() throws Exception {
        Scenarios.lifecycle(api);

        Map<String, Double> counters = cloud.hooks().metering().snapshot();
        assertThat(counters).hasKeySatisfying(key("request|LibraryApi", "|DynamoDB.TransactWriteItems"))
                .hasKeySatisfying(key("dynamodb.wru|LibraryApi", ""))
                .hasKeySatisfying(key("events.entries|LibraryOutboxRelay", ""))
                .hasKeySatisfying(key("lambda.records|AuditConsumerFunction", ""))
                .hasKeySatisfying(key("sqs|AuditConsumerQueue", "|DeleteMessageBatch"));
    }

    @Test
    void shouldStartAFreshCopyOfAFunction_withoutDisturbingTheRunningOne() throws Exception {
        String bookId = api.addBook("cold-start");
        String payload = cloud.hooks().firstPayload("LibraryApi");

        ColdStart start = cloud.hooks().coldStart("LibraryApi", payload,
                new ColdStart.Setup(LocalCloud.LAMBDA_JVM_OPTIONS, null, false));

        assertThat(start.succeeded()).isTrue();
        assertThat(start.initMillis()).isPositive();
        assertThat(start.invocationMillis()).isPositive();
        assertThat(api.get("/books/" + bookId).status()).isEqualTo(200);
    }

    /**
     * SnapStart as Lambda runs it: the runtime client runs the handler's priming at the end of init, where Lambda
     * takes the snapshot, and the SDK gets the role's credentials from the container endpoint, as the environment
     * has no access key variables (a snapshot would freeze them). Without SnapStart, no priming.
     */
    @Test
    void shouldPrimeASnapStartFunctionAtTheEndOfInit_withCredentialsFromTheContainerEndpoint() throws Exception {
        api.addBook("snap-start");
        String payload = cloud.hooks().firstPayload("LibraryApi");
        Path log = Path.of("target", "local-cloud-logs").resolve(cloud.hooks().functionNames().stream()
                .filter(name -> name.startsWith("LibraryApi")).findFirst().orElseThrow() + "-cold.log");
        Files.deleteIfExists(log);

        ColdStart onDemand = cloud.hooks().coldStart("LibraryApi", payload,
                new ColdStart.Setup(LocalCloud.LAMBDA_JVM_OPTIONS, null, false));
        assertThat(onDemand.succeeded()).isTrue();
        assertThat(Files.readString(log)).doesNotContain("primed for the snapshot");

        ColdStart snapStart = cloud.hooks().coldStart("LibraryApi", payload,
                new ColdStart.Setup(LocalCloud.LAMBDA_JVM_OPTIONS, null, true));
        assertThat(snapStart.succeeded()).isTrue();
        // Its reads went through the SDK with the container endpoint's credentials: a failure would be logged.
        assertThat(Files.readString(log)).contains("primed for the snapshot").doesNotContain("priming failed");
    }

    private static Condition<String> key(String prefix, String suffix) {
        return new Condition<>(k -> k.startsWith(prefix) && k.endsWith(suffix), prefix + "…" + suffix);
    }
}
