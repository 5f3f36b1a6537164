package dev.libraryevents.localcloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.endpoint.Gate;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * EventBridge's AWS JSON 1.1 protocol over {@link EventBridgeEmulator}: PutEvents, the buses, rules and targets
 * (ListEventBuses, DescribeEventBus, ListRules, DescribeRule, ListTargetsByRule, EnableRule, DisableRule),
 * TestEventPattern (matched by event-ruler, like the rules), and archives and replays (ListArchives,
 * DescribeArchive, StartReplay, DescribeReplay, ListReplays).
 */
public final class EventBridgeApi {

    private final EventBridgeEmulator events;

    public EventBridgeApi(EventBridgeEmulator events) {
        this.events = events;
    }

    public void handle(AwsEndpoint.Call call, String operation) throws IOException {
        try {
            JsonNode request = CloudTemplate.JSON.readTree(call.body());
            if (request == null || !request.isObject()) {
                throw new EventBridgeEmulator.ValidationError("the request body must be a JSON object");
            }
            if (!operation.equals("PutEvents")) { // PutEvents is checked entry by entry, with its conditions
                call.authorize("events:" + operation, resourceOf(request));
            }
            ObjectNode answer = answer(operation, request, call.caller());
            if (answer == null) {
                AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error("UnknownOperationException",
                        "The local cloud's EventBridge does not offer " + operation));
            } else {
                AwsEndpoint.respondJson(call.exchange(), 200, answer.toString());
            }
        } catch (EventBridgeEmulator.ValidationError e) {
            AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error("ValidationException", e.getMessage()));
        } catch (EventPatterns.InvalidPattern e) {
            AwsEndpoint.respondJson(call.exchange(), 400,
                    AwsEndpoint.error("InvalidEventPatternException", e.getMessage()));
        } catch (NotFound e) {
            AwsEndpoint.respondJson(call.exchange(), 400,
                    AwsEndpoint.error("ResourceNotFoundException", e.getMessage()));
        } catch (Gate.AccessDenied e) {
            throw e; // the endpoint answers it
        } catch (IOException e) {
            AwsEndpoint.respondJson(call.exchange(), 400,
                    AwsEndpoint.error("SerializationException", "malformed request"));
        } catch (Exception e) {
            AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error("ValidationException", e.getMessage()));
        }
    }

    /** @return the answer, or null for an operation not offered */
    private ObjectNode answer(String operation, JsonNode request, String caller) throws Exception {
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        switch (operation) {
            case "PutEvents" -> {
                return (ObjectNode) CloudTemplate.JSON.readTree(events.putEvents(request.toString(), caller));
            }
            case "ListEventBuses" -> {
                ArrayNode list = answer.putArray("EventBuses");
                String prefix = request.path("NamePrefix").asText("");
                events.buses().stream().sorted().filter(bus -> bus.startsWith(prefix)).forEach(bus ->
                        list.addObject().put("Name", bus).put("Arn", EventBridgeEmulator.busArn(bus)));
            }
            case "DescribeEventBus" -> {
                String bus = bus(request.path("Name"));
                answer.put("Name", bus).put("Arn", EventBridgeEmulator.busArn(bus));
            }
            case "ListRules" -> {
                String bus = bus(request.path("EventBusName"));
                String prefix = request.path("NamePrefix").asText("");
                ArrayNode list = answer.putArray("Rules");
                events.rules().stream().filter(rule -> rule.bus.equals(bus) && rule.name.startsWith(prefix))
                        .forEach(rule -> list.add(describe(rule)));
            }
            case "DescribeRule" -> answer = describe(rule(request));
            case "ListTargetsByRule" -> {
                ArrayNode list = answer.putArray("Targets");
                rule(request).targets.forEach(target -> list.addObject().put("Id", target.id())
                        .put("Arn", target.arn()));
            }
            case "EnableRule", "DisableRule" -> {
                EventBridgeEmulator.Rule rule = rule(request);
                rule.enabled = operation.equals("EnableRule");
                Log.info("rule " + rule.name + (rule.enabled ? " enabled" : " disabled"));
            }
            case "TestEventPattern" -> answer.put("Result", matches(request.path("EventPattern").asText(),
                    request.path("Event").asText()));
            case "ListArchives" -> {
                ArrayNode list = answer.putArray("Archives");
                for (Map.Entry<String, String> archive : events.archives().entrySet()) {
                    list.add(describeArchive(archive.getKey(), archive.getValue()));
                }
            }
            case "DescribeArchive" -> {
                String name = request.path("ArchiveName").asText();
                String bus = events.archives().get(name);
                if (bus == null) {
                    throw new NotFound("Archive " + name + " does not exist.");
                }
                answer = describeArchive(name, bus);
            }
            case "StartReplay" -> {
                String archiveArn = request.path("EventSourceArn").asText();
                String archive = archiveArn.substring(archiveArn.lastIndexOf('/') + 1);
                if (!events.archives().containsKey(archive)) {
                    throw new NotFound("Archive " + archive + " does not exist.");
                }
                EventBridgeEmulator.Replay replay = events.startReplay(request.path("ReplayName").asText(),
                        archiveArn, request.path("Destination").path("Arn").asText(),
                        time(request.path("EventStartTime")), time(request.path("EventEndTime")));
                // EventBridge answers STARTING and works on; here the replay is done already: DescribeReplay
                // says COMPLETED.
                answer.put("ReplayArn", replayArn(replay.name())).put("State", "STARTING")
                        .put("ReplayStartTime", seconds(replay.started()));
            }
            case "DescribeReplay" -> {
                String name = request.path("ReplayName").asText();
                EventBridgeEmulator.Replay replay = events.replay(name);
                if (replay == null) {
                    throw new NotFound("Replay " + name + " does not exist.");
                }
                answer = describe(replay);
            }
            case "ListReplays" -> {
                ArrayNode list = answer.putArray("Replays");
                events.replays().forEach(replay -> list.add(describe(replay)));
            }
            default -> {
                return null;
            }
        }
        return answer;
    }

    private String bus(JsonNode nameOrArn) {
        String bus = EventBridgeEmulator.busName(nameOrArn.asText("default"));
        if (!events.buses().contains(bus)) {
            throw new NotFound("Event bus " + bus + " does not exist.");
        }
        return bus;
    }

    private EventBridgeEmulator.Rule rule(JsonNode request) {
        String name = request.has("Rule") ? request.path("Rule").asText() : request.path("Name").asText();
        String bus = bus(request.path("EventBusName"));
        EventBridgeEmulator.Rule rule = events.rule(name);
        if (rule == null || !rule.bus.equals(bus)) {
            throw new NotFound("Rule " + name + " does not exist on EventBus " + bus + ".");
        }
        return rule;
    }

    private static ObjectNode describe(EventBridgeEmulator.Rule rule) {
        ObjectNode described = CloudTemplate.JSON.createObjectNode().put("Name", rule.name).put("Arn", rule.arn())
                .put("State", rule.enabled ? "ENABLED" : "DISABLED").put("EventBusName", rule.bus);
        if (rule.pattern != null) {
            described.put("EventPattern", rule.pattern);
        }
        if (rule.schedule != null) {
            described.put("ScheduleExpression", rule.schedule);
        }
        if (rule.description != null) {
            described.put("Description", rule.description);
        }
        return described;
    }

    private ObjectNode describeArchive(String name, String bus) throws IOException {
        long[] size = events.archiveSize(bus);
        return CloudTemplate.JSON.createObjectNode().put("ArchiveName", name)
                .put("ArchiveArn", CloudTemplate.arn("events", "archive/" + name))
                .put("EventSourceArn", EventBridgeEmulator.busArn(bus)).put("State", "ENABLED")
                .put("EventCount", size[0]).put("SizeBytes", size[1]);
    }

    private static ObjectNode describe(EventBridgeEmulator.Replay replay) {
        ObjectNode described = CloudTemplate.JSON.createObjectNode().put("ReplayName", replay.name())
                .put("ReplayArn", replayArn(replay.name())).put("State", "COMPLETED")
                .put("EventSourceArn", replay.archiveArn())
                .put("EventStartTime", seconds(replay.from())).put("EventEndTime", seconds(replay.to()))
                .put("ReplayStartTime", seconds(replay.started())).put("ReplayEndTime", seconds(replay.ended()));
        described.putObject("Destination").put("Arn", replay.destinationArn());
        return described;
    }

    private static boolean matches(String pattern, String event) throws Exception {
        return !EventPatterns.compile(pattern).rulesForJSONEvent(event).isEmpty();
    }

    /** What an IAM statement about this request names: the rule, the bus, or nothing in particular. */
    private static String resourceOf(JsonNode request) {
        String bus = EventBridgeEmulator.busName(request.path("EventBusName").asText("default"));
        if (request.has("Rule") || (request.has("Name") && !request.has("EventPattern"))) {
            String rule = request.has("Rule") ? request.path("Rule").asText() : request.path("Name").asText();
            return CloudTemplate.ruleArn(bus, rule);
        }
        return "*";
    }

    private static String replayArn(String name) {
        return CloudTemplate.arn("events", "replay/" + name);
    }

    /** The SDK sends and reads timestamps in JSON 1.1 as epoch seconds. */
    private static Instant time(JsonNode seconds) {
        return Instant.ofEpochMilli((long) (seconds.asDouble() * 1000));
    }

    private static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
