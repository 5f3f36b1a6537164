package dev.libraryevents.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventType;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.PolicyValidationPluginReport;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;
import software.amazon.awscdk.assertions.Template;
import software.amazon.event.ruler.Machine;

/** The synthesized template against docs/design.md §1, §5 and §7. */
class LibraryEventsStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static App app;
    private static LibraryEventsStack stack;
    private static Template template;
    private static JsonNode resources;

    @BeforeAll
    static void synthesize() {
        app = new App();
        stack = LibraryEventsStack.create(app, Path.of("../..").toAbsolutePath().normalize());
        template = Template.fromStack(stack);
        resources = JSON.valueToTree(template.toJSON()).path("Resources");
    }

    @Test
    void everyConsumerQueueHasADeadLetterQueue_afterThreeReceives() {
        template.resourcePropertiesCountIs("AWS::SQS::Queue",
                Match.objectLike(Map.of("RedrivePolicy", Match.anyValue())), 4);
        template.resourcePropertiesCountIs("AWS::SQS::Queue", Match.objectLike(Map.of("RedrivePolicy",
                Match.objectLike(Map.of("maxReceiveCount", 3)))), 4);
        template.allResourcesProperties("AWS::SQS::Queue", Match.objectLike(Map.of("SqsManagedSseEnabled", true)));
        deadLetterQueues().forEach(dlq -> assertThat(resources.at("/" + dlq + "/Properties/MessageRetentionPeriod")
                .asInt()).as("retention of %s", dlq).isEqualTo(14 * 24 * 3600));
    }

    @Test
    void eachRelayMayPutOnlyItsOwnServicesSource_andNothingElseMayPutAtAll() {
        List<String> relays = new ArrayList<>();
        for (String source : LibraryEventsStack.SOURCES) {
            Matcher ownSource = Match.objectLike(Map.of(
                    "Action", "events:PutEvents",
                    "Condition", Map.of("StringEquals", Map.of("events:source", source))));
            template.hasResourceProperties("AWS::IAM::Policy", Match.objectLike(Map.of("PolicyDocument",
                    Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(ownSource)))))));
            template.hasResourceProperties("AWS::Events::EventBusPolicy", Match.objectLike(Map.of("Statement",
                    Match.objectLike(Map.of("Action", "events:PutEvents", "Effect", "Allow",
                            "Condition", Map.of("StringEquals", Map.of("events:source", source)))))));
        }
        // No statement anywhere allows PutEvents without naming the source.
        for (JsonNode policy : ofType("AWS::IAM::Policy").values()) {
            for (JsonNode statement : policy.at("/Properties/PolicyDocument/Statement")) {
                if (statement.path("Action").toString().contains("events:PutEvents")) {
                    relays.add(statement.at("/Condition/StringEquals/events:source").asText());
                }
            }
        }
        assertThat(relays).containsExactlyInAnyOrderElementsOf(LibraryEventsStack.SOURCES);
        template.resourceCountIs("AWS::Events::EventBusPolicy", LibraryEventsStack.SOURCES.size());
    }

    @Test
    void everyEventSourceMappingReportsBatchItemFailures() {
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 8);
        template.allResourcesProperties("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"))));
        // The four stream mappings (the relays'), each of them bisecting and with an on-failure destination.
        template.resourcePropertiesCountIs("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "StartingPosition", Match.anyValue())), 4);
        template.resourcePropertiesCountIs("AWS::Lambda::EventSourceMapping", Match.objectLike(Map.of(
                "StartingPosition", Match.anyValue(), "BisectBatchOnFunctionError", true,
                "DestinationConfig", Match.objectLike(Map.of("OnFailure", Match.objectLike(Map.of(
                        "Destination", Match.anyValue())))))), 4);
    }

    @Test
    void consumersWhoseEffectsAreReadAtOnceTakeTheirBatchAtOnce_analyticsGathersForASecond() {
        Map<String, String> batching = new TreeMap<>();
        for (JsonNode mapping : ofType("AWS::Lambda::EventSourceMapping").values()) {
            String source = mapping.at("/Properties/EventSourceArn/Fn::GetAtt").path(0).asText();
            if (source.contains("ConsumerQueue")) {
                batching.put(source.substring(0, source.indexOf("ConsumerQueue")),
                        mapping.at("/Properties/BatchSize").asInt() + " within "
                                + mapping.at("/Properties/MaximumBatchingWindowInSeconds").asInt() + " s");
            }
        }
        assertThat(batching).containsExactlyInAnyOrderEntriesOf(Map.of(
                "Notification", "10 within 0 s", "Audit", "10 within 0 s", "Analytics", "100 within 1 s",
                "Library", "10 within 0 s"));
    }

    @Test
    void aBatchOfMoreThanTenNeedsABatchingWindow() {
        assertThat(new ConsumerPipeline.Batching(10, 0).size()).isEqualTo(10);
        assertThatThrownBy(() -> new ConsumerPipeline.Batching(11, 0))
                .hasMessageContaining("1 to 10 with a window of 0 s");
        assertThatThrownBy(() -> new ConsumerPipeline.Batching(10, 301))
                .hasMessageContaining("0 to 300 s");
    }

    @Test
    void everyVisibilityTimeoutIsAtLeastSixTimesItsFunctionsTimeout() {
        for (JsonNode mapping : ofType("AWS::Lambda::EventSourceMapping").values()) {
            JsonNode source = mapping.at("/Properties/EventSourceArn/Fn::GetAtt");
            if (!resources.path(source.path(0).asText()).path("Type").asText().equals("AWS::SQS::Queue")) {
                continue;
            }
            int visibility = resources.at("/" + source.path(0).asText() + "/Properties/VisibilityTimeout").asInt();
            String alias = ofType("AWS::Lambda::Alias").keySet().stream()
                    .filter(a -> mapping.at("/Properties/FunctionName").toString().contains("{\"Ref\":\"" + a + "\"}"))
                    .findFirst().orElseThrow();
            int timeout = resources.at("/" + functionBehind(alias) + "/Properties/Timeout").asInt();
            assertThat(timeout).isPositive();
            assertThat(visibility).isGreaterThanOrEqualTo(6 * timeout);
        }
    }

    @Test
    void everyDeadLetterQueueHasAnAlarm() {
        Set<String> alarmed = new TreeSet<>();
        for (JsonNode alarm : ofType("AWS::CloudWatch::Alarm").values()) {
            for (JsonNode dimension : alarm.at("/Properties/Dimensions")) {
                if (dimension.path("Name").asText().equals("QueueName")) {
                    alarmed.add(dimension.at("/Value/Fn::GetAtt").path(0).asText());
                }
            }
        }
        template.allResourcesProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmActions", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Ref", Match.stringLikeRegexp(".+"))))))));

        assertThat(deadLetterQueues()).hasSize(10);
        assertThat(alarmed).containsAll(deadLetterQueues());
    }

    @Test
    void routingTableEqualsTheDesign_andNoServiceConsumesItsOwnSummaries() throws Exception {
        Machine machine = Machine.builder().build();
        for (Map.Entry<String, ConsumerPipeline> consumer : stack.consumers().entrySet()) {
            String ruleId = stack.resolve(consumer.getValue().rule().getNode().getDefaultChild() instanceof
                    software.amazon.awscdk.CfnResource cfn ? cfn.getLogicalId() : null).toString();
            machine.addRule(consumer.getKey(), resources.at("/" + ruleId + "/Properties/EventPattern").toString());
        }

        Map<String, Set<String>> routes = new TreeMap<>();
        for (EventType type : EventType.values()) {
            routes.put(type.wireName(), new TreeSet<>(machine.rulesForJSONEvent(eventBridgeEvent(type))));
        }

        Set<String> everyone = Set.of("notification", "analytics", "audit");
        Map<String, Set<String>> expected = new TreeMap<>(Map.of(
                "BookAdded", new TreeSet<>(Set.of("analytics", "audit")),
                "UserRegistered", new TreeSet<>(everyone),
                "BookBorrowed", new TreeSet<>(everyone),
                "BookReturned", new TreeSet<>(everyone),
                "UserSuspended", new TreeSet<>(Set.of("notification", "analytics", "audit", "library")),
                "UserErased", new TreeSet<>(Set.of("notification", "analytics", "audit", "library")),
                "NotificationSent", new TreeSet<>(Set.of("analytics", "audit")),
                "AnalyticsUpdated", new TreeSet<>(Set.of("audit")),
                "AuditLogged", new TreeSet<>()));
        // The export saga: asked of Notification and Audit, answered to the Library service, announced to the user.
        expected.put("UserReinstated", new TreeSet<>(everyone));
        expected.put("LoanRenewed", new TreeSet<>(everyone));
        // Holds (§4d): the member hears when a copy waits and when its window closed; the rest is counted and kept.
        expected.put("HoldPlaced", new TreeSet<>(Set.of("analytics", "audit")));
        expected.put("HoldReady", new TreeSet<>(everyone));
        expected.put("HoldFulfilled", new TreeSet<>(Set.of("analytics", "audit")));
        expected.put("HoldCancelled", new TreeSet<>(Set.of("analytics", "audit")));
        expected.put("HoldExpired", new TreeSet<>(everyone));
        expected.put("DataExportRequested", new TreeSet<>(everyone));
        expected.put("NotificationDataExported", new TreeSet<>(Set.of("analytics", "audit", "library")));
        expected.put("AuditDataExported", new TreeSet<>(Set.of("analytics", "audit", "library")));
        expected.put("DataExportCompleted", new TreeSet<>(everyone));
        assertThat(routes).isEqualTo(expected);
    }

    @Test
    void theLibraryTableListsThroughKeysOnlyIndexes_whichItsApiMayQuery() {
        JsonNode table = ofType("AWS::DynamoDB::Table").get(logicalId("LibraryTable", "AWS::DynamoDB::Table"));
        List<String> indexes = new ArrayList<>();
        table.at("/Properties/GlobalSecondaryIndexes").forEach(index -> {
            indexes.add(index.path("IndexName").asText());
            assertThat(index.at("/Projection/ProjectionType").asText()).isEqualTo("KEYS_ONLY");
        });

        assertThat(indexes).containsExactlyInAnyOrderElementsOf(LibraryEventsStack.LIBRARY_INDEXES);
        assertThat(dynamoActionsOn(roleOf(logicalId("LibraryApi", "AWS::Lambda::Function")),
                logicalId("LibraryTable", "AWS::DynamoDB::Table")))
                .contains("dynamodb:Query", "dynamodb:BatchGetItem").doesNotContain("dynamodb:Scan");
        // the export saga's last step lists the member's holds the same way
        assertThat(dynamoActionsOn(roleOf(logicalId("LibraryConsumerFunction", "AWS::Lambda::Function")),
                logicalId("LibraryTable", "AWS::DynamoDB::Table")))
                .contains("dynamodb:Query", "dynamodb:BatchGetItem").doesNotContain("dynamodb:Scan");
    }

    @Test
    void theAuditLogIndexesCorrelationIdsByKeysAlone_andItsApiReadsTheRowsByThem() {
        JsonNode table = ofType("AWS::DynamoDB::Table").get(logicalId("AuditTable", "AWS::DynamoDB::Table"));
        JsonNode indexes = table.at("/Properties/GlobalSecondaryIndexes");

        assertThat(indexes).hasSize(1);
        assertThat(indexes.get(0).path("IndexName").asText()).isEqualTo("byCorrelation");
        assertThat(indexes.get(0).at("/Projection/ProjectionType").asText()).as("every event writes the index")
                .isEqualTo("KEYS_ONLY");
        assertThat(dynamoActionsOn(roleOf(logicalId("AuditApi", "AWS::Lambda::Function")),
                logicalId("AuditTable", "AWS::DynamoDB::Table"))).contains("dynamodb:Query", "dynamodb:BatchGetItem");
    }

    @Test
    void theAuditWriterMayOnlyPutAndQueryTheAuditLog() {
        String auditTable = logicalId("AuditTable", "AWS::DynamoDB::Table");
        List<String> actions = dynamoActionsOn(roleOf(logicalId("AuditConsumerFunction", "AWS::Lambda::Function")), auditTable);

        assertThat(actions).containsExactlyInAnyOrder("dynamodb:PutItem", "dynamodb:Query");
        assertThat(actions).noneMatch(action -> action.matches(
                "dynamodb:(UpdateItem|DeleteItem|BatchWriteItem|PartiQL.*)"));
    }

    @Test
    void noFunctionHasWildcardActionsOrAnotherServicesTable() {
        Set<String> services = Set.of("Library", "Notification", "Analytics", "Audit");
        for (Map.Entry<String, JsonNode> function : ofType("AWS::Lambda::Function").entrySet()) {
            String service = services.stream().filter(function.getKey()::startsWith).findFirst().orElse(null);
            if (service == null) {
                continue; // CDK's own helper functions, if any
            }
            for (JsonNode statement : statementsOf(roleOf(function.getKey()))) {
                for (JsonNode action : asList(statement.path("Action"))) {
                    assertThat(action.asText()).as("an action of %s", function.getKey())
                            .isNotEqualTo("*").doesNotEndWith(":*");
                }
                String resourcesText = statement.path("Resource").toString();
                for (String other : services) {
                    if (!other.equals(service)) {
                        assertThat(resourcesText).as("%s reaches %s's table", function.getKey(), other)
                                .doesNotContain("\"" + other + "Table");
                    }
                }
            }
        }
    }

    @Test
    void personalDataKeysAreWrappedByARotatedKey_inATableThatCannotBringAnErasedKeyBack() {
        template.resourceCountIs("AWS::KMS::Key", 1);
        template.hasResourceProperties("AWS::KMS::Key", Match.objectLike(Map.of("EnableKeyRotation", true)));
        JsonNode keyTable = resources.path(logicalId("PersonalDataTable", "AWS::DynamoDB::Table")).path("Properties");
        assertThat(keyTable.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean())
                .as("a restore would undo erasures").isFalse();
        assertThat(keyTable.has("StreamSpecification")).as("a stream would copy the keys elsewhere").isFalse();
    }

    @Test
    void exportsAreKeptInAPrivateEncryptedBucket_reachedOnlyOverTls_forAWeek() {
        template.resourceCountIs("AWS::S3::Bucket", 1);
        template.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "BucketEncryption", Match.objectLike(Map.of("ServerSideEncryptionConfiguration", Match.arrayWith(
                        List.of(Match.objectLike(Map.of("ServerSideEncryptionByDefault",
                                Map.of("SSEAlgorithm", "AES256"))))))),
                "LifecycleConfiguration", Map.of("Rules", List.of(Map.of("ExpirationInDays", 7,
                        "Status", "Enabled"))))));
        template.hasResourceProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of("PolicyDocument",
                Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny", "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))))));
    }

    @Test
    void onlyTheLibraryApiCreatesOrDeletesDataKeys_andOnlyThoseThatShowOrSendPersonalDataOpenThem() {
        String keyTable = logicalId("PersonalDataTable", "AWS::DynamoDB::Table");
        String key = logicalId("PersonalDataKey", "AWS::KMS::Key");
        Map<String, Set<String>> grants = new TreeMap<>();
        for (String function : ofType("AWS::Lambda::Function").keySet()) {
            Set<String> actions = new TreeSet<>(dynamoActionsOn(roleOf(function), keyTable));
            for (JsonNode statement : statementsOf(roleOf(function))) {
                if (statement.path("Resource").toString().contains("\"" + key + "\"")) {
                    asList(statement.path("Action")).forEach(action -> actions.add(action.asText()));
                }
            }
            if (!actions.isEmpty()) {
                grants.put(function.replaceAll("[0-9A-F]{8}$", ""), actions);
            }
        }

        Set<String> reader = Set.of("kms:Decrypt", "dynamodb:GetItem", "dynamodb:BatchGetItem");
        assertThat(grants).isEqualTo(new TreeMap<>(Map.of(
                "LibraryApi", new TreeSet<>(Set.of("kms:GenerateDataKey", "kms:Decrypt", "dynamodb:GetItem",
                        "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")),
                "NotificationConsumerFunction", new TreeSet<>(reader),
                "NotificationReminders", new TreeSet<>(reader),
                "AuditApi", new TreeSet<>(reader),
                "LibraryConsumerFunction", new TreeSet<>(reader))));
    }

    @Test
    void theApiIsARestApiV1_routingEveryPathOfTheDesign() {
        template.resourceCountIs("AWS::ApiGateway::RestApi", 1);
        template.resourceCountIs("AWS::ApiGatewayV2::Api", 0);
        template.resourceCountIs("AWS::Pipes::Pipe", 0);

        template.allResourcesProperties("AWS::ApiGateway::Method", Match.objectLike(Map.of(
                "Integration", Match.objectLike(Map.of("Type", "AWS_PROXY")))));
        Set<String> routes = new TreeSet<>();
        for (JsonNode method : ofType("AWS::ApiGateway::Method").values()) {
            String resource = method.at("/Properties/ResourceId/Ref").asText();
            String path = path(resource); // the root's id is a GetAtt, not a Ref: ""
            routes.add(method.at("/Properties/HttpMethod").asText() + " " + (path.isEmpty() ? "/" : path));
        }

        // Every method of a path reaches its function, which answers 405 with Allow for the ones it does not take.
        assertThat(routes).containsExactlyInAnyOrder(
                "ANY /books", "ANY /books/{bookId}", "ANY /books/{bookId}/borrowings", "ANY /users",
                "ANY /users/{userId}", "ANY /users/{userId}/borrowings", "ANY /users/{userId}/reinstate",
                "ANY /users/{userId}/suspend", "ANY /users/{userId}/personal-data", "ANY /users/{userId}/data-exports",
                "ANY /users/{userId}/data-exports/{exportId}", "ANY /borrowings", "ANY /borrowings/{borrowingId}",
                "ANY /borrowings/{borrowingId}/return", "ANY /borrowings/{borrowingId}/renew",
                "ANY /books/{bookId}/holds", "ANY /users/{userId}/holds", "ANY /holds", "ANY /holds/{holdId}",
                "ANY /users/{userId}/notifications", "ANY /reports/usage",
                "ANY /audit/books/{id}", "ANY /audit/users/{id}", "ANY /audit/borrowings/{id}",
                "ANY /audit/books/{id}/state", "ANY /audit/users/{id}/state", "ANY /audit/borrowings/{id}/state",
                "ANY /audit/holds/{id}", "ANY /audit/holds/{id}/state",
                "ANY /audit/snapshots", "ANY /audit/snapshots/{snapshotId}", "ANY /traces/{correlationId}",
                "ANY /", "ANY /{proxy+}");
        template.resourceCountIs("AWS::ApiGateway::Stage", 1);
        template.hasResourceProperties("AWS::ApiGateway::Stage", Match.objectLike(Map.of(
                "AccessLogSetting", Match.objectLike(Map.of("DestinationArn", Match.anyValue())),
                "MethodSettings", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "ThrottlingRateLimit", 100, "ThrottlingBurstLimit", 200)))))));
    }

    @Test
    void everyTriggerInvokesTheLiveAliasOfAPublishedSnapStartVersion() {
        template.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "SnapStart", Map.of("ApplyOn", "PublishedVersions"))));
        Map<String, JsonNode> aliases = ofType("AWS::Lambda::Alias");
        assertThat(aliases).hasSize(14);
        assertThat(aliases.values()).allSatisfy(alias -> {
            assertThat(alias.at("/Properties/Name").asText()).isEqualTo(ServiceFunction.LIVE);
            String version = alias.at("/Properties/FunctionVersion/Fn::GetAtt/0").asText();
            assertThat(resources.at("/" + version + "/Type").asText()).isEqualTo("AWS::Lambda::Version");
        });
        assertThat(aliases.keySet().stream().map(this::functionBehind).distinct())
                .containsExactlyInAnyOrderElementsOf(ofType("AWS::Lambda::Function").keySet());

        // Whatever names a function to invoke names an alias: event source mappings, permissions, the schedule's
        // target, the API's integrations.
        List<JsonNode> invokers = new ArrayList<>();
        ofType("AWS::Lambda::EventSourceMapping").values().forEach(m -> invokers.add(m.at("/Properties/FunctionName")));
        ofType("AWS::Lambda::Permission").values().forEach(p -> invokers.add(p.at("/Properties/FunctionName")));
        ofType("AWS::Events::Rule").values().forEach(rule -> rule.at("/Properties/Targets").forEach(target -> {
            if (target.at("/Arn/Ref").isTextual()) { // a queue target's Arn is a Fn::GetAtt
                invokers.add(target.path("Arn"));
            }
        }));
        ofType("AWS::ApiGateway::Method").values().forEach(m -> invokers.add(m.at("/Properties/Integration/Uri")));
        assertThat(invokers).hasSizeGreaterThan(30).allSatisfy(invoker -> assertThat(aliases.keySet())
                .as("%s names an alias", invoker)
                .anyMatch(alias -> invoker.toString().contains("{\"Ref\":\"" + alias + "\"}")));
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 8);
    }

    @Test
    void everyFunctionRunsJava21OnArm_withExplicitSizesAndJsonLogs() {
        template.resourceCountIs("AWS::Lambda::Function", 14);
        template.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java21", "Architectures", List.of("arm64"),
                "LoggingConfig", Match.objectLike(Map.of("LogFormat", "JSON")))));
        assertThat(ofType("AWS::Lambda::Function").values()).allSatisfy(function -> {
            assertThat(function.at("/Properties/MemorySize").asInt()).isPositive();
            assertThat(function.at("/Properties/Timeout").asInt()).isPositive();
        });
    }

    @Test
    void everyFunctionAndTheApiStageAreTraced() {
        template.allResourcesProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "TracingConfig", Map.of("Mode", "Active"))));
        template.allResourcesProperties("AWS::ApiGateway::Stage", Match.objectLike(Map.of("TracingEnabled", true)));
    }

    @Test
    void theDashboardPlotsTheFunctionsOwnMetrics_andEachConsumersEventAgeIsAlarmed() {
        String dashboard = ofType("AWS::CloudWatch::Dashboard").values().iterator().next()
                .at("/Properties/DashboardBody").toString();
        for (String metric : List.of("EventsConsumed", "EventAge", "DuplicatesDropped", "MessagesFailed",
                "Borrowings", "Returns")) {
            assertThat(dashboard).as("the dashboard plots %s", metric).contains("\\\"" + metric + "\\\"");
        }
        Set<String> late = new TreeSet<>();
        for (JsonNode alarm : ofType("AWS::CloudWatch::Alarm").values()) {
            JsonNode properties = alarm.path("Properties");
            if (properties.path("Namespace").asText().equals("LibraryEvents")
                    && properties.path("MetricName").asText().equals("EventAge")) {
                assertThat(properties.path("ExtendedStatistic").asText()).isEqualTo("p99");
                assertThat(properties.path("Threshold").asLong()).isEqualTo(60_000);
                assertThat(properties.path("AlarmActions")).isNotEmpty();
                late.add(properties.at("/Dimensions/0/Value").asText());
            }
        }
        assertThat(late).containsExactly("analytics", "audit", "library", "notification");
    }

    @Test
    void everyServiceTableKeepsPointInTimeRecovery_deletionProtection_andAnOutboxStream() {
        Map<String, JsonNode> tables = ofType("AWS::DynamoDB::Table");
        String keyTable = logicalId("PersonalDataTable", "AWS::DynamoDB::Table");
        assertThat(tables).hasSize(5);
        tables.forEach((id, table) -> {
            if (!id.equals(keyTable)) {
                assertThat(table.at("/Properties/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled")
                        .asBoolean()).as(id).isTrue();
                assertThat(table.at("/Properties/StreamSpecification/StreamViewType").asText()).as(id)
                        .isEqualTo("NEW_IMAGE");
            }
            assertThat(table.at("/Properties/DeletionProtectionEnabled").asBoolean()).as(id).isTrue();
            assertThat(table.at("/Properties/BillingMode").asText()).as(id).isEqualTo("PAY_PER_REQUEST");
        });
        assertThat(resources.at("/" + logicalId("AuditTable", "AWS::DynamoDB::Table") + "/Properties/TimeToLiveSpecification").isMissingNode())
                .as("nothing in the audit log expires").isTrue();
    }

    @Test
    void theBusIsArchived_andRemindersRunDaily() {
        template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", "library-events"));
        template.resourceCountIs("AWS::Events::Archive", 1);
        template.resourcePropertiesCountIs("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "cron(0 8 * * ? *)")), 1);
    }

    /** docs/design.md §4d: a READY hold expires at most 90 s after pickupBy, so the sweep runs every minute. */
    @Test
    void holdsExpireByAMinutelySweep_whosePickupWindowIsTheContexts() {
        template.resourcePropertiesCountIs("AWS::Events::Rule", Match.objectLike(Map.of(
                "ScheduleExpression", "rate(1 minute)", "Targets", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 2),
                        "DeadLetterConfig", Match.objectLike(Map.of("Arn", Match.anyValue())))))))), 1);
        for (String function : List.of("LibraryHoldExpiry", "LibraryApi", "LibraryConsumerFunction")) {
            assertThat(resources.at("/" + logicalId(function, "AWS::Lambda::Function")
                    + "/Properties/Environment/Variables/HOLD_PICKUP_WINDOW").asText()).as(function).isEqualTo("PT72H");
        }
        assertThat(LibraryEventsStack.pickupWindow("PT20S")).isEqualTo(java.time.Duration.ofSeconds(20));
        for (String refused : List.of("3 days", "PT0S", "-PT1H", "")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> LibraryEventsStack.pickupWindow(refused))
                    .as(refused).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holdPickupWindow");
        }
    }

    @Test
    void everyMethodNeedsAnIdTokenFromTheStacksUserPool_andTheGatewaysOwn401IsAProblem() {
        String pool = logicalId("SignInUsers", "AWS::Cognito::UserPool");
        template.hasResourceProperties("AWS::Cognito::UserPool", Match.objectLike(Map.of(
                "UsernameAttributes", List.of("email"),
                "Policies", Map.of("PasswordPolicy", Match.objectLike(Map.of("MinimumLength", 12))))));
        template.hasResourceProperties("AWS::Cognito::UserPoolGroup", Map.of("GroupName", SignIn.LIBRARIANS,
                "UserPoolId", Map.of("Ref", pool), "Description", Match.anyValue()));
        template.hasResourceProperties("AWS::Cognito::UserPoolClient", Match.objectLike(Map.of(
                "GenerateSecret", false, "UserPoolId", Map.of("Ref", pool))));
        Map<String, JsonNode> authorizers = ofType("AWS::ApiGateway::Authorizer");
        assertThat(authorizers).hasSize(1);
        JsonNode authorizer = authorizers.values().iterator().next().path("Properties");
        assertThat(authorizer.path("Type").asText()).isEqualTo("COGNITO_USER_POOLS");
        assertThat(authorizer.path("IdentitySource").asText()).isEqualTo("method.request.header.Authorization");
        assertThat(authorizer.at("/ProviderARNs/0/Fn::GetAtt/0").asText()).isEqualTo(pool);

        Map<String, JsonNode> methods = ofType("AWS::ApiGateway::Method");
        assertThat(methods).isNotEmpty();
        methods.forEach((id, method) -> {
            assertThat(method.at("/Properties/AuthorizationType").asText()).as(id).isEqualTo("COGNITO_USER_POOLS");
            assertThat(method.at("/Properties/AuthorizerId/Ref").asText()).as(id)
                    .isEqualTo(authorizers.keySet().iterator().next());
        });
        template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", Map.of(
                "ResponseType", "UNAUTHORIZED", "StatusCode", "401", "RestApiId", Match.anyValue(),
                "ResponseParameters", Map.of("gatewayresponse.header.Content-Type", "'application/problem+json'",
                        "gatewayresponse.header.WWW-Authenticate", "'Bearer'"),
                "ResponseTemplates", Map.of("application/json", Match.stringLikeRegexp("urn:problem:unauthorized"))));
        template.hasOutput("UserPoolId", Map.of("Value", Map.of("Ref", pool), "Description", Match.anyValue()));
        template.hasOutput("UserPoolClientId", Match.objectLike(Map.of("Value", Match.anyValue())));
    }

    @Test
    void cdkNagFindsNothingUnacknowledged() {
        PolicyValidationPluginReport report = new AwsSolutionsChecks(app).validateScope(stack);

        assertThat(report.getViolations()).extracting(violation -> violation.getRuleName()).isEmpty();
    }

    /** Every resource of a type by logical id, as JSON for the checks that follow references between them. */
    private static Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> found = new TreeMap<>();
        template.findResources(type).forEach((id, resource) -> found.put(id, JSON.valueToTree(resource)));
        return found;
    }

    /** Consumer DLQs, relay on-failure queues and the scheduled-invocation DLQ. */
    private static Set<String> deadLetterQueues() {
        Set<String> queues = new TreeSet<>();
        ofType("AWS::SQS::Queue").values().forEach(queue -> {
            JsonNode target = queue.at("/Properties/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt");
            if (!target.isMissingNode()) {
                queues.add(target.path(0).asText());
            }
        });
        ofType("AWS::Lambda::EventSourceMapping").values().forEach(mapping -> {
            JsonNode destination = mapping.at("/Properties/DestinationConfig/OnFailure/Destination/Fn::GetAtt");
            if (!destination.isMissingNode()) {
                queues.add(destination.path(0).asText());
            }
        });
        ofType("AWS::Events::Rule").values().forEach(rule -> rule.at("/Properties/Targets").forEach(target -> {
            JsonNode dlq = target.at("/DeadLetterConfig/Arn/Fn::GetAtt");
            if (!dlq.isMissingNode()) {
                queues.add(dlq.path(0).asText());
            }
        }));
        return queues;
    }

    private static String logicalId(String prefix, String type) {
        return ofType(type).keySet().stream().filter(id -> id.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " " + prefix + "*"));
    }

    private static String roleOf(String functionId) {
        return resources.at("/" + functionId + "/Properties/Role/Fn::GetAtt").path(0).asText();
    }

    private static List<JsonNode> statementsOf(String roleId) {
        List<JsonNode> statements = new ArrayList<>();
        for (JsonNode policy : ofType("AWS::IAM::Policy").values()) {
            for (JsonNode role : policy.at("/Properties/Roles")) {
                if (role.path("Ref").asText().equals(roleId)) {
                    policy.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
                }
            }
        }
        return statements;
    }

    private static List<String> dynamoActionsOn(String roleId, String tableId) {
        List<String> actions = new ArrayList<>();
        for (JsonNode statement : statementsOf(roleId)) {
            if (statement.path("Resource").toString().contains("\"" + tableId + "\"")) {
                asList(statement.path("Action")).forEach(action -> actions.add(action.asText()));
            }
        }
        return actions;
    }

    private static List<JsonNode> asList(JsonNode node) {
        List<JsonNode> list = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(list::add);
        } else if (!node.isMissingNode()) {
            list.add(node);
        }
        return list;
    }

    private static String path(String resourceId) {
        JsonNode resource = resources.path(resourceId);
        if (!resource.path("Type").asText().equals("AWS::ApiGateway::Resource")) {
            return "";
        }
        return path(resource.at("/Properties/ParentId/Ref").asText()) + "/"
                + resource.at("/Properties/PathPart").asText();
    }

    private static String eventBridgeEvent(EventType type) throws Exception {
        try (InputStream in = LibraryEventsStackTest.class.getClassLoader().getResourceAsStream(
                "schemas/" + type.wireName() + "/examples/v1/valid.json")) {
            JsonNode envelope = JSON.readTree(in);
            ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", "1")
                    .put("detail-type", type.wireName()).put("source", type.source())
                    .put("account", "123456789012").put("time", envelope.path("occurredAt").asText())
                    .put("region", "us-east-1");
            event.putArray("resources");
            event.set("detail", envelope);
            return event.toString();
        }
    }

    /** The function an alias or version points into, or the function itself. */
    private String functionBehind(String logicalId) {
        JsonNode resource = resources.path(logicalId);
        return switch (resource.path("Type").asText()) {
            case "AWS::Lambda::Alias" -> functionBehind(resource.at("/Properties/FunctionVersion/Fn::GetAtt/0")
                    .asText());
            case "AWS::Lambda::Version" -> functionBehind(resource.at("/Properties/FunctionName/Ref").asText());
            default -> logicalId;
        };
    }
}
