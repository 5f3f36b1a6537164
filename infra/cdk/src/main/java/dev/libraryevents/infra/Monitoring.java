package dev.libraryevents.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
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

    public void buildDashboard() {
        Dashboard.Builder.create(this, "Dashboard").dashboardName("library-events").widgets(List.of(
                List.of(graph("Queue depth", queueDepths), graph("Dead-letter depth", deadLetterDepths)),
                List.of(graph("Function errors", errors), graph("Function duration", durations)),
                List.of(graph("Events routed to each consumer", eventsRouted)))).build();
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(12).build();
    }

    private static MetricOptions label(String name) {
        return MetricOptions.builder().label(name).period(Duration.minutes(1)).build();
    }
}
