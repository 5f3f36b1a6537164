package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.LocalCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local cloud holds every caller to the template's grants. A copy of the synthesized template lacks three: the
 * library API role's dynamodb:PutItem, the audit queue policy's statement that lets its rule send, and the Lambda
 * permission that lets the gateway invoke the notification API. Each call they covered now fails as on AWS, and
 * what the template still grants works. And a mapping whose role cannot read its queue stops the start, as it fails
 * a deployment. The unmodified template is every other IT's.
 */
class IamIT {

    private static Path logs;
    private static LocalCloud cloud;
    private static Stack.Api api;

    @BeforeAll
    static void startWithThreeGrantsRemoved() throws Exception {
        logs = Files.createTempDirectory("iam-it-logs");
        cloud = LocalCloud.start(new LocalCloud.Options(withoutThreeGrants(), 0, 0, null, logs, 1, null));
        api = Stack.librarian(cloud);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void shouldFailAFunctionsWrite_whenItsRoleNoLongerGrantsIt() throws Exception {
        Stack.Api.Response added = api.post("/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\","
                + "\"copies\":1}", "iam-denied");

        assertThat(added.status()).isEqualTo(500);
        assertThat(api.get("/books/2f9a9b1e-0000-4000-8000-000000000000").status())
                .as("GetItem is still granted").isEqualTo(404);
        assertThat(log("LibraryApi"))
                .contains("is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:");
    }

    @Test
    void shouldNotDeliverToAQueue_whoseTemplatePolicyNoLongerLetsTheRuleSend() throws Exception {
        ObjectNode added = FaultScenarios.example("BookAdded");
        String bookId = java.util.UUID.randomUUID().toString();
        added.put("eventId", java.util.UUID.randomUUID().toString()).put("aggregateId", bookId)
                .put("correlationId", "iam-queue-policy");
        ((ObjectNode) added.get("data")).put("bookId", bookId);
        try (Deployment deployment = Deployment.at(cloud.awsEndpoint(), "LibraryEventsWithoutThreeGrants")) {
            assertThat(deployment.eventBridge.putEvents(r -> r.entries(e -> e.eventBusName(deployment.busName())
                    .source("library.service").detailType("BookAdded").detail(added.toString())))
                    .failedEntryCount()).isZero();
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(cloud.hooks().eventsOf("iam-queue-policy"))
                .as("the analytics queue's policy is intact: its consumer summed the book up")
                .contains("AnalyticsUpdated"));
        assertThat(cloud.hooks().metering().snapshot()).hasKeySatisfying(new Condition<>(
                key -> key.startsWith("events.failedInvocations|AuditConsumerRule"), "a failed delivery to audit"));
        assertThat(api.get("/audit/books/" + bookId).body().path("items")).as("nothing reached the audit").isEmpty();
    }

    @Test
    void shouldAnswer500FromTheGateway_whenNoPermissionLetsItInvokeTheFunction() throws Exception {
        Stack.Api.Response notifications = api.get("/users/2f9a9b1e-0000-4000-8000-000000000000/notifications");

        assertThat(notifications.status()).isEqualTo(500);
        assertThat(notifications.body().path("message").asText()).isEqualTo("Internal server error");
        assertThat(api.get("/reports/usage").status()).as("the analytics API's permission is intact")
                .isEqualTo(200);
    }

    @Test
    void shouldRefuseToStart_aMappingWhoseRoleCannotReadItsQueue_asADeploymentWouldFail() throws Exception {
        TemplateCopy withoutReceive = TemplateCopy.ofTheSynthesizedTemplate()
                .withoutAction("AuditConsumerFunctionServiceRoleDefaultPolicy", "sqs:ReceiveMessage");
        assertThat(withoutReceive.removed()).isEqualTo(1);
        Path copy = withoutReceive.write("LibraryEventsWithoutReceive");

        assertThatThrownBy(() -> LocalCloud.start(new LocalCloud.Options(copy, 0, 0, null, logs, 1, null)).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CREATE_FAILED AuditConsumerFunctionLiveSqsEventSource")
                .hasMessageContaining("sqs:ReceiveMessage");
    }

    @Test
    void shouldRefuseToStart_aRuleWhosePatternEventBridgeRefuses_asADeploymentWouldFail() throws Exception {
        TemplateCopy invalidPattern = TemplateCopy.ofTheSynthesizedTemplate()
                .withRulePattern("AuditConsumerRule", "{\"detail-type\":[{\"wildcard\":\"Book**\"}]}");
        assertThat(invalidPattern.removed()).isEqualTo(1);
        Path copy = invalidPattern.write("LibraryEventsWithAnInvalidPattern");

        assertThatThrownBy(() -> LocalCloud.start(new LocalCloud.Options(copy, 0, 0, null, logs, 1, null)).close())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CREATE_FAILED AuditConsumerRule")
                .hasMessageContaining("Event pattern is not valid");
    }

    private static String log(String functionPrefix) throws Exception {
        try (Stream<Path> files = Files.list(logs)) {
            return Files.readString(files.filter(f -> f.getFileName().toString().startsWith(functionPrefix))
                    .findFirst().orElseThrow());
        }
    }

    /** A copy of the template, beside the original so that its assets resolve, without the three grants. */
    private static Path withoutThreeGrants() throws Exception {
        TemplateCopy copy = TemplateCopy.ofTheSynthesizedTemplate()
                .withoutAction("LibraryApiServiceRoleDefaultPolicy", "dynamodb:PutItem")
                .withoutAllowStatements("AuditConsumerQueuePolicy")
                .withoutResources("HttpApiusersuserIdnotificationsANYApiPermission");
        assertThat(copy.removed()).as("the three grants were in the template (PutItem: on the library and the key table)")
                .isEqualTo(4);
        return copy.write("LibraryEventsWithoutThreeGrants");
    }
}
