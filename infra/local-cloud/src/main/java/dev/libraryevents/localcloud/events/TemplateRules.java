package dev.libraryevents.localcloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.common.Threads;
import dev.libraryevents.localcloud.events.EventBridgeEmulator.Rule;
import dev.libraryevents.localcloud.events.EventBridgeEmulator.Target;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.sqs.SqsEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template's {@code AWS::Events::Rule}s on the local bus: their patterns, their SQS and Lambda targets, each
 * delivered to only as far as IAM lets the rule, and their schedules: daily {@code cron} ones and {@code rate} ones.
 */
public final class TemplateRules implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DAILY_CRON = Pattern.compile("cron\\((\\d+) (\\d+) \\* \\* \\? \\*\\)");
    static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|hour|day)(s?)\\)");

    private final CloudTemplate template;
    private final EventBridgeEmulator events;
    private final SqsEmulator sqs;
    private final Iam iam;
    private final Metering metering;
    private final Map<String, LocalFunction> functions;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("schedules"));

    public TemplateRules(CloudTemplate template, EventBridgeEmulator events, SqsEmulator sqs, Iam iam,
                         Metering metering, Map<String, LocalFunction> functions) {
        this.template = template;
        this.events = events;
        this.sqs = sqs;
        this.iam = iam;
        this.metering = metering;
        this.functions = functions;
    }

    /**
     * The template's rules and their targets. A queue target is delivered to only if the queue's policy lets this
     * rule send to it, a function target only if a Lambda permission lets the rule invoke it, as on AWS: otherwise
     * the delivery fails (logged, and counted as the rule's failed invocation).
     */
    public void install() throws Exception {
        for (Map.Entry<String, JsonNode> entry : template.ofType("AWS::Events::Rule").entrySet()) {
            String ruleId = entry.getKey();
            JsonNode properties = entry.getValue();
            String ruleArn = template.getAtt(ruleId, "Arn");
            List<Target> targets = new ArrayList<>();
            for (JsonNode target : properties.path("Targets")) {
                String arn = template.resolve(target.path("Arn"));
                String targetId = CloudTemplate.logicalIdOf(target.path("Arn"));
                targets.add(new Target(target.path("Id").asText(), arn,
                        switch (template.typeOf(targetId)) {
                            case "AWS::SQS::Queue" -> queueTarget(ruleId, ruleArn, targetId, arn);
                            case "AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::Lambda::Alias" ->
                                    functionTarget(ruleId, ruleArn, template.functionBehind(targetId), arn);
                            default -> event -> Log.info("rule " + ruleId + ": the local cloud does not deliver to "
                                    + arn);
                        }));
            }
            JsonNode bus = properties.path("EventBusName");
            Rule rule = new Rule(ruleId,
                    bus.isMissingNode() ? "default" : template.resolve(bus),
                    properties.has("EventPattern") ? properties.path("EventPattern").toString() : null,
                    properties.has("ScheduleExpression") ? properties.path("ScheduleExpression").asText() : null,
                    properties.has("Description") ? properties.path("Description").asText() : null,
                    !properties.path("State").asText("ENABLED").equals("DISABLED"), targets);
            try {
                events.addRule(rule);
            } catch (EventPatterns.InvalidPattern e) { // as CloudFormation fails the rule, and with it the stack
                throw new IllegalStateException("CREATE_FAILED " + ruleId + ": " + e.getMessage(), e);
            }
            String schedule = properties.path("ScheduleExpression").asText("");
            Matcher daily = DAILY_CRON.matcher(schedule);
            Matcher rate = RATE.matcher(schedule);
            if (daily.matches()) {
                scheduleDaily(rule, Integer.parseInt(daily.group(2)), Integer.parseInt(daily.group(1)));
            } else if (rate.matches()) {
                scheduleEvery(rule, rate(ruleId, rate));
            } else if (!schedule.isEmpty()) {
                Log.info("rule " + ruleId + ": the local cloud does not run the schedule " + schedule);
            }
        }
    }

    private Consumer<String> queueTarget(String ruleId, String ruleArn, String queueId, String queueArn) {
        String url = sqs.queueUrl(queueId);
        String denial = iam.checkService("events.amazonaws.com", "sqs:SendMessage", queueArn, ruleArn);
        return event -> {
            if (denial != null) {
                metering.add("events.failedInvocations|" + ruleId, 1);
            } else {
                sqs.client().sendMessage(r -> r.queueUrl(url).messageBody(event));
            }
        };
    }

    private Consumer<String> functionTarget(String ruleId, String ruleArn, String functionId, String functionArn) {
        String denial = iam.checkService("events.amazonaws.com", "lambda:InvokeFunction", functionArn, ruleArn);
        return event -> {
            if (denial != null) {
                metering.add("events.failedInvocations|" + ruleId, 1);
                return;
            }
            try {
                LocalFunction.Result result = functions.get(functionId).invoke(event).get();
                if (result.outcome() != LocalFunction.Outcome.SUCCESS) {
                    Log.info("rule " + ruleId + ": " + functionId + " failed: " + result.body());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                Log.info("rule " + ruleId + ": " + e.getMessage());
            }
        };
    }

    private void scheduleDaily(Rule rule, int hour, int minute) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime next = now.withHour(hour).withMinute(minute).withSecond(0).withNano(0);
        if (!next.isAfter(now)) {
            next = next.plusDays(1);
        }
        scheduler.scheduleAtFixedRate(() -> {
            if (rule.enabled) {
                rule.targets.forEach(target -> target.delivery().accept(scheduledEvent(rule)));
            }
        }, Duration.between(now, next).toMillis(), TimeUnit.DAYS.toMillis(1), TimeUnit.MILLISECONDS);
    }

    /**
     * A {@code rate(...)} as EventBridge reads it: a whole number of minutes, hours or days, singular for 1 and plural
     * otherwise ({@code rate(1 minutes)} fails the rule, as it fails on AWS).
     */
    static Duration rate(String ruleId, Matcher rate) {
        long value = Long.parseLong(rate.group(1));
        boolean plural = !rate.group(3).isEmpty();
        if (value < 1 || plural != (value > 1)) {
            throw new IllegalStateException("CREATE_FAILED " + ruleId + ": invalid schedule expression "
                    + rate.group());
        }
        return switch (rate.group(2)) {
            case "minute" -> Duration.ofMinutes(value);
            case "hour" -> Duration.ofHours(value);
            default -> Duration.ofDays(value);
        };
    }

    /**
     * A rate rule fires one period after it is created, then every period, as on AWS. A firing that fails is logged
     * and the next one still comes (an executor would stop a task that throws).
     */
    private void scheduleEvery(Rule rule, Duration period) {
        scheduler.scheduleAtFixedRate(() -> {
            try {
                if (rule.enabled) {
                    rule.targets.forEach(target -> target.delivery().accept(scheduledEvent(rule)));
                }
            } catch (RuntimeException e) {
                Log.info("rule " + rule.name + ": " + e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a schedule rule's targets now, as far as their permissions let the rule invoke them. */
    public int fireSchedule(String ruleLogicalIdPrefix) throws Exception {
        int fired = 0;
        for (Rule rule : events.rules()) {
            if (rule.schedule != null && rule.name.startsWith(ruleLogicalIdPrefix)) {
                for (Target target : rule.targets) {
                    target.delivery().accept(scheduledEvent(rule));
                    fired++;
                }
            }
        }
        return fired;
    }

    private static String scheduledEvent(Rule rule) {
        ObjectNode event = JSON.createObjectNode().put("version", "0").put("id", UUID.randomUUID().toString())
                .put("detail-type", "Scheduled Event").put("source", "aws.events")
                .put("account", CloudTemplate.ACCOUNT).put("time", Instant.now().toString())
                .put("region", CloudTemplate.REGION);
        event.putArray("resources").add(rule.arn());
        event.putObject("detail");
        return event.toString();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
