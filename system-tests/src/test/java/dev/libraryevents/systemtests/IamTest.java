package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The synthesized template's policies, evaluated as IAM evaluates them: what each function and service may do. */
class IamTest {

    private static CloudTemplate template;
    private static Iam iam;

    @BeforeAll
    static void readTheSynthesizedTemplate() throws Exception {
        template = read(Stack.template());
        iam = new Iam(template);
    }

    @Test
    void shouldAllowAFunctionWhatItsRoleGrants_andNothingElse() {
        assertThat(denial("LibraryApi", "dynamodb:PutItem", table("LibraryTable"))).isNull();
        assertThat(denial("LibraryApi", "dynamodb:ConditionCheckItem", table("LibraryTable"))).isNull();
        assertThat(denial("LibraryApi", "dynamodb:PutItem", table("AuditTable")))
                .startsWith("User: arn:aws:sts::000000000000:assumed-role/LibraryApiServiceRole")
                .contains("is not authorized to perform: dynamodb:PutItem on resource: "
                        + table("AuditTable"))
                .endsWith("because no identity-based policy allows the dynamodb:PutItem action");
        assertThat(denial("LibraryApi", "dynamodb:Scan", table("LibraryTable"))).isNotNull();
        assertThat(denial("NotificationConsumerFunction", "dynamodb:Scan", table("NotificationTable")))
                .as("the consumer reads by key and by user").isNotNull();
        String dataKeys = template.getAtt(logicalId("PersonalDataKey"), "Arn");
        assertThat(denial("LibraryApi", "kms:GenerateDataKey", dataKeys)).isNull();
        assertThat(denial("AuditApi", "kms:Decrypt", dataKeys)).isNull();
        assertThat(denial("AuditApi", "kms:GenerateDataKey", dataKeys)).as("readers open, never create").isNotNull();
        assertThat(denial("AnalyticsApi", "kms:Decrypt", dataKeys)).as("analytics keeps no names").isNotNull();
        assertThat(denial("AuditApi", "dynamodb:Query", table("AuditTable") + "/index/any")).isNull();
        assertThat(denial("LibraryApi", "dynamodb:Query", table("LibraryTable") + "/index/booksByTitle"))
                .as("the lists query the library table's own indexes").isNull();
        assertThat(denial("LibraryApi", "dynamodb:Query", table("AuditTable") + "/index/any")).isNotNull();
    }

    @Test
    void shouldLetARelayPutOnlyItsOwnServicesSource() {
        String bus = CloudTemplate.arn("events", "event-bus/library-events");
        assertThat(iam.denial(call("LibraryOutboxRelay", "events:PutEvents", bus,
                Map.of("events:source", "library.service")))).isNull();
        assertThat(iam.denial(call("LibraryOutboxRelay", "events:PutEvents", bus,
                Map.of("events:source", "audit.service")))).isNotNull();
        assertThat(iam.denial(call("LibraryApi", "events:PutEvents", bus,
                Map.of("events:source", "library.service")))).as("only relays put events").isNotNull();
    }

    @Test
    void shouldLetTheBusDeliverToAQueue_onlyFromTheRuleItsPolicyNames() {
        String queue = template.getAtt(logicalId("AuditConsumerQueue"), "Arn");
        assertThat(serviceDenial("events.amazonaws.com", "sqs:SendMessage", queue,
                template.getAtt(logicalId("AuditConsumerRule"), "Arn"))).isNull();
        assertThat(serviceDenial("events.amazonaws.com", "sqs:SendMessage", queue,
                template.getAtt(logicalId("NotificationConsumerRule"), "Arn"))).isNotNull();
        assertThat(serviceDenial("events.amazonaws.com", "sqs:SendMessage",
                template.getAtt(logicalId("AuditConsumerDeadLetters"), "Arn"),
                template.getAtt(logicalId("AuditConsumerRule"), "Arn"))).isNotNull();
    }

    @Test
    void shouldLetTheGatewayInvokeAFunction_onlyForItsOwnRoutes() {
        String api = logicalId("HttpApi");
        String stage = template.ref(logicalId("HttpApiDeploymentStagev1"));
        // Triggers invoke each function's live alias (SnapStart); the unqualified function is nobody's to invoke.
        String library = template.ref(logicalId("LibraryApiLive"));
        String notification = template.ref(logicalId("NotificationApiLive"));
        String booksRoute = CloudTemplate.executeApiArn(api, stage, "GET", "/books/123");
        assertThat(library).endsWith(":live");
        assertThat(serviceDenial("apigateway.amazonaws.com", "lambda:InvokeFunction", library, booksRoute)).isNull();
        assertThat(serviceDenial("apigateway.amazonaws.com", "lambda:InvokeFunction", notification, booksRoute))
                .isNotNull();
        assertThat(serviceDenial("apigateway.amazonaws.com", "lambda:InvokeFunction",
                template.getAtt(logicalId("LibraryApi"), "Arn"), booksRoute)).isNotNull();
        assertThat(serviceDenial("events.amazonaws.com", "lambda:InvokeFunction",
                template.ref(logicalId("NotificationRemindersLive")),
                template.getAtt(logicalId("DailyReminders"), "Arn"))).isNull();
    }

    @Test
    void shouldDenyACall_whenItsGrantIsRemovedFromTheTemplate() throws Exception {
        TemplateCopy copy = TemplateCopy.ofTheSynthesizedTemplate()
                .withoutAction("LibraryApiServiceRoleDefaultPolicy", "dynamodb:PutItem");
        assertThat(copy.removed()).as("the library API's role granted dynamodb:PutItem on its table and the key table")
                .isEqualTo(2);
        Path file = copy.write("LibraryEventsWithoutPutItem");
        Iam withoutPutItem = new Iam(read(file));

        assertThat(withoutPutItem.denial(call("LibraryApi", "dynamodb:PutItem", table("LibraryTable"), Map.of())))
                .contains("dynamodb:PutItem");
        assertThat(withoutPutItem.denial(call("LibraryApi", "dynamodb:GetItem", table("LibraryTable"), Map.of())))
                .isNull();
    }

    @Test
    void shouldMatchIamWildcards() {
        assertThat(Iam.matches("dynamodb:*", "DynamoDB:PutItem", true)).isTrue();
        assertThat(Iam.matches("sqs:Get*", "sqs:GetQueueUrl", true)).isTrue();
        assertThat(Iam.matches("arn:aws:sqs:*:*:Queue?", "arn:aws:sqs:us-east-1:1:Queue1", false)).isTrue();
        assertThat(Iam.matches("arn:aws:sqs:*:*:queue", "arn:aws:sqs:us-east-1:1:Queue", false)).isFalse();
        assertThat(Iam.matches("a.b", "axb", false)).as("a dot is a dot").isFalse();
    }

    private static CloudTemplate read(Path file) throws Exception {
        CloudTemplate read = CloudTemplate.read(file);
        read.attributes((id, attribute) -> attribute.equals("StreamArn")
                ? "arn:aws:dynamodb:ddblocal:000000000000:table/" + id + "/stream/1" : null);
        return read;
    }

    private static String denial(String functionPrefix, String action, String resource) {
        return iam.denial(call(functionPrefix, action, resource, Map.of()));
    }

    private static Iam.Call call(String functionPrefix, String action, String resource, Map<String, String> context) {
        return new Iam.Call(iam.roleOf(logicalId(functionPrefix)), null, action, resource, context);
    }

    private static String serviceDenial(String service, String action, String resource, String sourceArn) {
        return iam.denial(new Iam.Call(null, service, action, resource, Map.of("aws:SourceArn", sourceArn)));
    }

    private static String table(String prefix) {
        return template.getAtt(logicalId(prefix), "Arn");
    }

    /** The logical id CDK gave a construct: its path and a hash. */
    private static String logicalId(String prefix) {
        return template.resourceTypes().keySet().stream()
                .filter(id -> id.startsWith(prefix) && id.substring(prefix.length()).matches("[0-9A-F]{8}"))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no resource " + prefix + "XXXXXXXX"));
    }
}
