package dev.libraryevents.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The alarm topic and the dashboard. Constructs register what they create; {@link #buildDashboard()} lays it out
 * once everything is registered.
 */
public final class Monitoring extends Construct {

    private final Topic alarms;
    private final List<IMetric> queueDepths = new ArrayList<>();
    private final List<IMetric> deadLetterDepths = new ArrayList<>();
    private final List<IMetric> errors = new ArrayList<>();
    private final List<IMetric> durations = new ArrayList<>();
    private final List<IMetric> eventsRouted = new ArrayList<>();
    private final List<IMetric> eventsConsumed = new ArrayList<>();
    private final List<IMetric> eventAges = new ArrayList<>();
    private final List<IMetric> droppedAndFailed = new ArrayList<>();

    /** Where the functions' EMF lines put their metrics. */
    static final String NAMESPACE = "LibraryEvents";
    static final Duration EVENT_AGE_LIMIT = Duration.minutes(1);
    /** Every (service, event type) the functions have written: a line each, whatever types come to exist. */
    private static final String EVENTS_CONSUMED_BY_TYPE = "SEARCH('{" + NAMESPACE
            + ",Service,EventType} MetricName=\"EventsConsumed\"', 'Sum', 60)";

    public Monitoring(Construct scope, String id) {
        super(scope, id);
        this.alarms = Topic.Builder.create(this, "Alarms").displayName("Library Events alarms").enforceSsl(true)
                .build();
    }

    public Topic alarms() {
        return alarms;
    }

    public void queue(String name, IQueue queue) {
        queueDepths.add(queue.metricApproximateNumberOfMessagesVisible(label(name)));
    }

    /** A dead-letter store holds only what failed for good: one message in it is worth a page. */
    public void deadLetters(String name, IQueue queue) {
        deadLetterDepths.add(queue.metricApproximateNumberOfMessagesVisible(label(name)));
        Alarm alarm = Alarm.Builder.create(this, name + "NotEmpty")
                .alarmDescription(name + " holds messages that failed for good; inspect and redrive them")
                .metric(queue.metricApproximateNumberOfMessagesVisible(MetricOptions.builder()
                        .period(Duration.minutes(1)).statistic("Maximum").build()))
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(alarms));
    }

    public void function(String name, IFunction function) {
        errors.add(function.metricErrors(label(name)));
        durations.add(function.metricDuration(label(name)));
    }

    public void rule(String name, Rule rule) {
        eventsRouted.add(Metric.Builder.create()
                .namespace("AWS/Events").metricName("MatchedEvents")
                .dimensionsMap(Map.of("RuleName", rule.getRuleName(), "EventBusName", LibraryEventsStack.BUS_NAME))
                .label(name).statistic("Sum").build());
    }

    /**
     * A consuming service's own metrics, which its function writes as EMF lines ({@code Metrics} in
     * function-support, namespace {@value #NAMESPACE}, dimension {@code Service}): events consumed, their age when
     * consumed, duplicates dropped, messages failed. An event older than {@link #EVENT_AGE_LIMIT} when consumed
     * means the consumer is falling behind (or was down): alarmed.
     */
    public void consumer(String service) {
        eventsConsumed.add(serviceMetric(service, "EventsConsumed", "Sum"));
        eventAges.add(serviceMetric(service, "EventAge", "p99"));
        droppedAndFailed.add(serviceMetric(service, "DuplicatesDropped", "Sum").with(label(service + " duplicates")));
        droppedAndFailed.add(serviceMetric(service, "MessagesFailed", "Sum").with(label(service + " failed")));
        String name = service.substring(0, 1).toUpperCase(Locale.ROOT) + service.substring(1);
        Alarm alarm = Alarm.Builder.create(this, name + "EventsLate")
                .alarmDescription(service + " consumes events more than " + EVENT_AGE_LIMIT.toSeconds()
                        + " s after they occurred (p99): it is falling behind, or was down")
                // Unlabelled: a labelled metric would make the alarm a metric-math one, for no gain.
                .metric(Metric.Builder.create().namespace(NAMESPACE).metricName("EventAge")
                        .dimensionsMap(Map.of("Service", service)).statistic("p99").period(Duration.minutes(1))
                        .build())
                .threshold(EVENT_AGE_LIMIT.toMilliseconds())
                .evaluationPeriods(5)
                .datapointsToAlarm(3)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(alarms));
    }

    public void buildDashboard() {
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName("library-events").widgets(List.of(
                List.of(graph("Queue depth", queueDepths), graph("Dead-letter depth", deadLetterDepths)),
                List.of(graph("Function errors", errors), graph("Function duration", durations)),
                List.of(graph("Events routed to each consumer", eventsRouted),
                        graph("Events consumed, by service", eventsConsumed)),
                List.of(graph("Events consumed, by type", List.of(MathExpression.Builder.create()
                                .expression(EVENTS_CONSUMED_BY_TYPE).label("").period(Duration.minutes(1)).build())),
                        graph("Age of an event when consumed, p99 (ms)", eventAges)),
                List.of(graph("Duplicates dropped, messages failed", droppedAndFailed),
                        graph("Borrowings and returns", List.of(
                                serviceMetric("library", "Borrowings", "Sum").with(label("borrowings")),
                                serviceMetric("library", "Returns", "Sum").with(label("returns"))))))).build();
        // CloudFormation takes Tags on a dashboard (aws-cdk-lib sets them); cfn-lint 1.51's schema does not know them
        // yet. Ignored on this resource alone, so that the check still holds everywhere else.
        ((CfnResource) dashboard.getNode().getDefaultChild()).addMetadata("cfn-lint",
                Map.of("config", Map.of("ignore_checks", List.of("E3002"))));
    }

    private static Metric serviceMetric(String service, String name, String statistic) {
        return Metric.Builder.create().namespace(NAMESPACE).metricName(name)
                .dimensionsMap(Map.of("Service", service)).statistic(statistic).label(service)
                .period(Duration.minutes(1)).build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(12).build();
    }

    private static MetricOptions label(String name) {
        return MetricOptions.builder().label(name).period(Duration.minutes(1)).build();
    }
}
