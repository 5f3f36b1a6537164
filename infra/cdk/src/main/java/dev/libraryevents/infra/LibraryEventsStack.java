package dev.libraryevents.infra;

import dev.libraryevents.events.EventType.Sources;
import dev.libraryevents.events.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.BaseArchiveProps;
import software.amazon.awscdk.services.events.CronOptions;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Match;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The whole topology of docs/design.md §1 in one stack: the bus and its archive, a table and relay per service, a
 * consumer per subscriber, the REST API and the user pool it signs callers in with, the daily reminders, and the alarms
 * and dashboard.
 */
public final class LibraryEventsStack extends Stack {

    public static final String BUS_NAME = "library-events";
    public static final List<String> SOURCES =
            List.of(Sources.LIBRARY, Sources.NOTIFICATION, Sources.ANALYTICS, Sources.AUDIT);

    /** The Library table's KEYS_ONLY indexes, as its store names them (LibraryTable.INDEXES). */
    static final List<String> LIBRARY_INDEXES = List.of("booksByTitle", "usersByRegistration", "usersByStatus",
            "borrowingsByUser", "borrowingsByBook", "holdsByUser", "holdsReady");

    /** How long a READY hold waits for its holder unless the context {@code holdPickupWindow} says otherwise. */
    static final java.time.Duration DEFAULT_PICKUP_WINDOW = java.time.Duration.ofDays(3);

    private final EventBus bus;
    private final Map<String, ConsumerPipeline> consumers;

    /**
     * @param repositoryRoot where {@code functions/<service>/target/<service>-lambda.jar} are found
     */
    public LibraryEventsStack(Construct scope, String id, StackProps props, Path repositoryRoot,
                              boolean deletionProtection, String senderEmail, java.time.Duration pickupWindow) {
        super(scope, id, props);
        Monitoring monitoring = new Monitoring(this, "Monitoring");

        bus = EventBus.Builder.create(this, "Bus").eventBusName(BUS_NAME).build();
        bus.archive("Archive", BaseArchiveProps.builder()
                .description("Every event on the bus, for replay")
                .eventPattern(EventPattern.builder().source(SOURCES).build())
                .retention(Duration.days(365))
                .build());

        Code libraryJar = jar(repositoryRoot, "library");
        Code notificationJar = jar(repositoryRoot, "notification");
        Code analyticsJar = jar(repositoryRoot, "analytics");
        Code auditJar = jar(repositoryRoot, "audit");

        // The catalog's and the librarian's lists (docs/design.md §4c); the names are LibraryTable.INDEXES.
        ServiceTable library = new ServiceTable(this, "Library", ServiceTable.Props.builder()
                .publishesTo(bus, Sources.LIBRARY).code(libraryJar).keysOnlyIndexes(LIBRARY_INDEXES)
                .deletionProtection(deletionProtection).monitoring(monitoring).build());
        ServiceTable notification = new ServiceTable(this, "Notification", ServiceTable.Props.builder()
                .publishesTo(bus, Sources.NOTIFICATION).code(notificationJar).indexes("byDue")
                .deletionProtection(deletionProtection).monitoring(monitoring).build());
        ServiceTable analytics = new ServiceTable(this, "Analytics", ServiceTable.Props.builder()
                .publishesTo(bus, Sources.ANALYTICS).code(analyticsJar)
                .deletionProtection(deletionProtection).monitoring(monitoring).build());
        // The audit log keeps everything, its outbox rows included: no TTL on this table.
        ServiceTable audit = new ServiceTable(this, "Audit", ServiceTable.Props.builder()
                .publishesTo(bus, Sources.AUDIT).code(auditJar).keysOnlyIndexes(List.of("byCorrelation"))
                .rowsNeverExpire()
                .deletionProtection(deletionProtection).monitoring(monitoring).build());

        PersonalDataKeys personalData = new PersonalDataKeys(this, "PersonalData", deletionProtection);
        DataExportBucket exports = new DataExportBucket(this, "DataExports", deletionProtection);

        Map<String, String> notificationEnv = senderEmail == null
                ? Map.of("TABLE_NAME", notification.table().getTableName())
                : Map.of("TABLE_NAME", notification.table().getTableName(), "SENDER_EMAIL", senderEmail);

        ConsumerPipeline notificationConsumer = new ConsumerPipeline(this, "NotificationConsumer",
                ConsumerPipeline.Props.builder().bus(bus)
                        .pattern(EventPattern.builder().source(List.of(Sources.LIBRARY))
                                .detailType(wireNames(EventType.USER_REGISTERED, EventType.BOOK_BORROWED,
                                        EventType.BOOK_RETURNED, EventType.LOAN_RENEWED, EventType.HOLD_READY,
                                        EventType.HOLD_EXPIRED, EventType.USER_SUSPENDED,
                                        EventType.USER_REINSTATED, EventType.USER_ERASED,
                                        EventType.DATA_EXPORT_REQUESTED, EventType.DATA_EXPORT_COMPLETED)).build())
                        .handler(notificationJar, "dev.libraryevents.notification.NotificationConsumerHandler")
                        // Query: an erasure reads the user's inbox to redact it.
                        .table(notification.table(), "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query")
                        .environment(notificationEnv).batching(ConsumerPipeline.Batching.PROMPT)
                        .monitoring(monitoring).build());
        personalData.grantRead(notificationConsumer.function()); // a welcome's name, an email's address
        exports.grantPart(notificationConsumer.function(), "notification");
        ConsumerPipeline analyticsConsumer = new ConsumerPipeline(this, "AnalyticsConsumer",
                ConsumerPipeline.Props.builder().bus(bus)
                        .pattern(EventPattern.builder().source(SOURCES)
                                .detailType(Match.anythingBut(EventType.ANALYTICS_UPDATED.wireName(),
                                        EventType.AUDIT_LOGGED.wireName())).build())
                        .handler(analyticsJar, "dev.libraryevents.analytics.AnalyticsConsumerHandler")
                        .table(analytics.table(), "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query")
                        .environment(Map.of("TABLE_NAME", analytics.table().getTableName()))
                        // A usage report a second late is as good; its batches are summed into one transaction
                        // and one AnalyticsUpdated, so larger batches mean fewer of both.
                        .batching(ConsumerPipeline.Batching.GATHERED)
                        .monitoring(monitoring).build());
        ConsumerPipeline auditConsumer = new ConsumerPipeline(this, "AuditConsumer",
                ConsumerPipeline.Props.builder().bus(bus)
                        .pattern(EventPattern.builder().source(SOURCES)
                                .detailType(Match.anythingBut(EventType.AUDIT_LOGGED.wireName())).build())
                        .handler(auditJar, "dev.libraryevents.audit.AuditConsumerHandler")
                        // Append-only: conditional puts and reads, never an update or a delete (docs/design.md §5).
                        .table(audit.table(), "dynamodb:PutItem", "dynamodb:Query")
                        .environment(Map.of("TABLE_NAME", audit.table().getTableName()))
                        // Prompt: the audit row is read right after the request (a trace), within 300 ms at p99.
                        .batching(ConsumerPipeline.Batching.PROMPT)
                        .monitoring(monitoring).build());
        exports.grantPart(auditConsumer.function(), "audit");
        // The export saga's last step: the other services' parts, assembled into one document (docs/design.md §4b);
        // and the holds a suspension or an erasure cancels (§4d), whose copies pass on.
        Map<String, String> libraryEnv = Map.of("TABLE_NAME", library.table().getTableName(),
                "HOLD_PICKUP_WINDOW", pickupWindow.toString());
        ConsumerPipeline libraryConsumer = new ConsumerPipeline(this, "LibraryConsumer",
                ConsumerPipeline.Props.builder().bus(bus)
                        .pattern(EventPattern.builder()
                                .source(List.of(Sources.NOTIFICATION, Sources.AUDIT, Sources.LIBRARY))
                                .detailType(wireNames(EventType.NOTIFICATION_DATA_EXPORTED,
                                        EventType.AUDIT_DATA_EXPORTED, EventType.USER_SUSPENDED,
                                        EventType.USER_ERASED)).build())
                        .handler(libraryJar, "dev.libraryevents.library.LibraryConsumerHandler")
                        // the export lists the member's holds: a query on an index, then the rows it names
                        .table(library.table(), "dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem",
                                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                                "dynamodb:ConditionCheckItem")
                        .environment(libraryEnv)
                        .batching(ConsumerPipeline.Batching.PROMPT)
                        .monitoring(monitoring).build());
        personalData.grantRead(libraryConsumer.function()); // the document holds names and emails in clear
        exports.grantAssemble(libraryConsumer.function());
        consumers = Map.of("notification", notificationConsumer, "analytics", analyticsConsumer,
                "audit", auditConsumer, "library", libraryConsumer);
        consumers.keySet().stream().sorted().forEach(monitoring::consumer);

        Alias reminders = ServiceFunction.create(this, "NotificationReminders", notificationJar,
                "dev.libraryevents.notification.ReminderHandler", Sizing.SCHEDULED, notificationEnv);
        notification.table().grant(reminders, "dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem");
        personalData.grantRead(reminders); // an email's address
        Queue missedReminders = Queue.Builder.create(this, "MissedReminders")
                .encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true).retentionPeriod(Duration.days(14)).build();
        Rule.Builder.create(this, "DailyReminders")
                .description("Due and overdue reminders, every morning")
                .schedule(Schedule.cron(CronOptions.builder().minute("0").hour("8").build()))
                .targets(List.of(new LambdaFunction(reminders, LambdaFunctionProps.builder()
                        .retryAttempts(2).deadLetterQueue(missedReminders).build())))
                .build();
        monitoring.function("NotificationReminders", ServiceFunction.functionOf(reminders));
        monitoring.deadLetters("MissedReminders", missedReminders);

        // Holds not collected by their pickupBy expire within 90 s (docs/design.md §4d): a sweep every minute over
        // the index of READY holds by pickupBy. A sweep that fails is retried, then kept; the next one catches up.
        Alias holdExpiry = ServiceFunction.create(this, "LibraryHoldExpiry", libraryJar,
                "dev.libraryevents.library.HoldExpiryHandler", Sizing.SCHEDULED, libraryEnv);
        library.table().grant(holdExpiry, "dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
                "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem");
        Queue missedExpiries = Queue.Builder.create(this, "MissedHoldExpiries")
                .encryption(QueueEncryption.SQS_MANAGED).enforceSsl(true).retentionPeriod(Duration.days(14)).build();
        Rule.Builder.create(this, "HoldExpirySweep")
                .description("READY holds past their pickup window expire, and their copies pass on")
                .schedule(Schedule.rate(Duration.minutes(1)))
                .targets(List.of(new LambdaFunction(holdExpiry, LambdaFunctionProps.builder()
                        .retryAttempts(2).deadLetterQueue(missedExpiries).build())))
                .build();
        monitoring.function("LibraryHoldExpiry", ServiceFunction.functionOf(holdExpiry));
        monitoring.deadLetters("MissedHoldExpiries", missedExpiries);
        if (senderEmail != null) {
            PolicyStatement sendEmail = PolicyStatement.Builder.create().actions(List.of("ses:SendEmail"))
                    .resources(List.of(formatArn(ArnComponents.builder().service("ses").resource("identity")
                            .resourceName(senderEmail).build()))).build();
            reminders.addToRolePolicy(sendEmail);
            notificationConsumer.function().addToRolePolicy(sendEmail);
        }

        Alias libraryApi = apiFunction("LibraryApi", libraryJar, "dev.libraryevents.library.LibraryApiHandler",
                library, Map.of("HOLD_PICKUP_WINDOW", pickupWindow.toString()), monitoring, "dynamodb:GetItem",
                "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
                // the lists: a query on an index (or the search's word rows), then the rows it names
                "dynamodb:Query", "dynamodb:BatchGetItem");
        personalData.grantRegisterAndErase(libraryApi);
        exports.grantLinks(libraryApi);
        Alias notificationApi = apiFunction("NotificationApi", notificationJar,
                "dev.libraryevents.notification.NotificationApiHandler", notification, monitoring, "dynamodb:Query");
        Alias analyticsApi = apiFunction("AnalyticsApi", analyticsJar,
                "dev.libraryevents.analytics.AnalyticsApiHandler", analytics, monitoring, "dynamodb:GetItem",
                "dynamodb:Query");
        Alias auditApi = apiFunction("AuditApi", auditJar, "dev.libraryevents.audit.AuditApiHandler", audit,
                monitoring, "dynamodb:Query", "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:BatchGetItem",
                "dynamodb:PutItem");
        personalData.grantRead(auditApi); // trails, states and snapshots show names and emails

        SignIn signIn = new SignIn(this, "SignIn", deletionProtection);
        LibraryRestApi api = new LibraryRestApi(this, "Http", signIn);
        // Each path of docs/design.md §4 answers every method through its function, which routes it: a method the path
        // does not take is its 405 with Allow, not the gateway's 403. Any other path reaches the Library API's 404.
        api.serve(libraryApi, "/books", "/books/{bookId}", "/books/{bookId}/borrowings", "/users", "/users/{userId}",
                        "/users/{userId}/borrowings", "/users/{userId}/suspend", "/users/{userId}/reinstate",
                        "/users/{userId}/personal-data", "/users/{userId}/data-exports",
                        "/users/{userId}/data-exports/{exportId}", "/borrowings", "/borrowings/{borrowingId}",
                        "/borrowings/{borrowingId}/return", "/borrowings/{borrowingId}/renew", "/books/{bookId}/holds",
                        "/users/{userId}/holds", "/holds", "/holds/{holdId}")
                .serve(notificationApi, "/users/{userId}/notifications")
                .serve(analyticsApi, "/reports/usage")
                .serve(auditApi, "/audit/snapshots", "/audit/snapshots/{snapshotId}", "/traces/{correlationId}")
                .serveEverythingElse(libraryApi);
        for (String entity : List.of("books", "users", "borrowings", "holds")) {
            api.serve(auditApi, "/audit/" + entity + "/{id}", "/audit/" + entity + "/{id}/state");
        }

        monitoring.buildDashboard();
        NagAcknowledgements.apply(this);
    }

    /**
     * The stack as the app builds it, with its context: deletionProtection (default true), senderEmail,
     * holdPickupWindow (an ISO-8601 duration, default 3 days).
     */
    public static LibraryEventsStack create(Construct scope, Path repositoryRoot) {
        Object protection = scope.getNode().tryGetContext("deletionProtection");
        Object sender = scope.getNode().tryGetContext("senderEmail");
        return new LibraryEventsStack(scope, "LibraryEvents", StackProps.builder()
                .description("Library Events: event-driven library lending (docs/design.md)").build(),
                repositoryRoot, !"false".equals(String.valueOf(protection)), sender == null ? null : sender.toString(),
                pickupWindow(scope.getNode().tryGetContext("holdPickupWindow")));
    }

    /** The context's holdPickupWindow, refused at synth unless it is a positive ISO-8601 duration. */
    static java.time.Duration pickupWindow(Object context) {
        if (context == null) {
            return DEFAULT_PICKUP_WINDOW;
        }
        try {
            java.time.Duration window = java.time.Duration.parse(context.toString());
            if (!window.isNegative() && !window.isZero()) {
                return window;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw new IllegalArgumentException("holdPickupWindow must be a positive ISO-8601 duration such as P3D or "
                + "PT20S, not " + context);
    }

    public EventBus bus() {
        return bus;
    }

    /** The consumers by service name: notification, analytics, audit, library (data exports). */
    public Map<String, ConsumerPipeline> consumers() {
        return consumers;
    }

    private Alias apiFunction(String id, Code code, String handler, ServiceTable table, Monitoring monitoring,
                              String... actions) {
        return apiFunction(id, code, handler, table, Map.of(), monitoring, actions);
    }

    /** @param environment besides TABLE_NAME */
    private Alias apiFunction(String id, Code code, String handler, ServiceTable table, Map<String, String> environment,
                              Monitoring monitoring, String... actions) {
        Map<String, String> all = new HashMap<>(environment);
        all.put("TABLE_NAME", table.table().getTableName());
        Alias function = ServiceFunction.create(this, id, code, handler, Sizing.API, all);
        table.table().grant(function, actions);
        monitoring.function(id, ServiceFunction.functionOf(function));
        return function;
    }

    private static List<String> wireNames(EventType... types) {
        return Arrays.stream(types).map(EventType::wireName).toList();
    }

    private static Code jar(Path repositoryRoot, String service) {
        Path jar = repositoryRoot.resolve("functions").resolve(service).resolve("target")
                .resolve(service + "-lambda.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the functions first (mvn -B package -DskipTests)");
        }
        return Code.fromAsset(jar.toString());
    }
}
