package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge's PutEvents (AWS JSON 1.1) for the template's buses: AWS's entry limits, the template's rules matched
 * by AWS's own event-ruler, delivery to the rules' SQS targets, and an archive of every accepted event (a JSON line
 * each, under the data directory when there is one) that can be replayed.
 */
final class EventBridgeEmulator {

    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A target of a matched rule: where the event goes. */
    interface Target {
        void deliver(String eventJson);
    }

    private final Map<String, Machine> machines = new HashMap<>();
    private final Map<String, List<Target>> targets = new HashMap<>();
    private final List<String> archive = new ArrayList<>();
    private final Path archiveFile;
    private final Metering metering;
    private final PutEventsPolicy policy;
    private long putEntries;

    /**
     * @param metering counts the entries each caller put (EventBridge's unit of price)
     * @param policy   which sources each function's role lets it put
     */
    EventBridgeEmulator(Path dataDirectory, Metering metering, PutEventsPolicy policy) {
        this.archiveFile = dataDirectory == null ? null : dataDirectory.resolve("eventbridge-archive.jsonl");
        this.metering = metering;
        this.policy = policy;
    }

    /** The template's archives, by name, each recording one bus. */
    private final Map<String, String> archives = new HashMap<>();

    void addArchive(String archiveName, String busName) {
        archives.put(archiveName, busName);
    }

    /** DescribeEventBus, ListArchives and StartReplay, enough for the operations CLI to replay a time range. */
    synchronized String operation(String target, String requestBody) throws Exception {
        JsonNode request = JSON.readTree(requestBody);
        switch (target) {
            case "AWSEvents.DescribeEventBus": {
                String name = request.path("Name").asText("default");
                return JSON.createObjectNode().put("Name", name)
                        .put("Arn", CloudTemplate.arn("events", "event-bus/" + name)).toString();
            }
            case "AWSEvents.ListArchives": {
                ObjectNode response = JSON.createObjectNode();
                ArrayNode list = response.putArray("Archives");
                archives.forEach((name, bus) -> list.addObject().put("ArchiveName", name)
                        .put("EventSourceArn", CloudTemplate.arn("events", "event-bus/" + bus)).put("State", "ENABLED"));
                return response.toString();
            }
            case "AWSEvents.StartReplay": {
                Instant from = Instant.ofEpochMilli((long) (request.path("EventStartTime").asDouble() * 1000));
                Instant to = Instant.ofEpochMilli((long) (request.path("EventEndTime").asDouble() * 1000));
                int replayed = replay(from, to);
                LocalCloud.log("replayed " + replayed + " archived events");
                return JSON.createObjectNode().put("ReplayArn", CloudTemplate.arn("events", "replay/"
                        + request.path("ReplayName").asText())).put("State", "COMPLETED").toString();
            }
            default:
                throw new ValidationError(target + " is not offered by the local cloud");
        }
    }

    void addRule(String busName, String ruleId, String pattern, List<Target> ruleTargets) throws Exception {
        machines.computeIfAbsent(busName, name -> Machine.builder().build()).addRule(ruleId, pattern);
        targets.put(ruleId, ruleTargets);
    }

    /** The JSON 1.1 PutEvents operation; returns the response body or throws {@link ValidationError}. */
    synchronized String putEvents(String requestBody, String caller) throws Exception {
        JsonNode entries = JSON.readTree(requestBody).path("Entries");
        if (!entries.isArray() || entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new ValidationError("1 validation error detected: Value at 'entries' failed to satisfy "
                    + "constraint: Member must have length between 1 and " + MAX_ENTRIES);
        }
        int size = 0;
        for (JsonNode entry : entries) {
            size += entrySize(entry);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw new ValidationError("Total size of the entries in the request is over the limit.");
        }
        List<String> sources = new ArrayList<>();
        entries.forEach(entry -> sources.add(entry.path("Source").asText()));
        String denial = policy.denial(caller, sources);
        if (denial != null) {
            LocalCloud.log("denied: " + denial);
            throw new AccessDenied(denial);
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode results = response.putArray("Entries");
        int failed = 0;
        for (JsonNode entry : entries) {
            String error = invalid(entry);
            if (error != null) {
                failed++;
                results.addObject().put("ErrorCode", "InvalidArgument").put("ErrorMessage", error);
                continue;
            }
            String busName = entry.path("EventBusName").asText("default");
            busName = busName.substring(busName.lastIndexOf('/') + 1);
            ObjectNode event = event(entry);
            route(busName, event.toString());
            archive(busName, event);
            putEntries++;
            metering.add("events.entries|" + caller, 1);
            results.addObject().put("EventId", event.get("id").asText());
        }
        response.put("FailedEntryCount", failed);
        return response.toString();
    }

    /** Puts archived events whose time lies in [from, to] on their bus again, as EventBridge's replay does. */
    synchronized int replay(Instant from, Instant to) throws Exception {
        int replayed = 0;
        for (String line : List.copyOf(archive)) {
            JsonNode archived = JSON.readTree(line);
            Instant time = Instant.parse(archived.path("event").path("time").asText());
            if (!time.isBefore(from) && !time.isAfter(to)) {
                ObjectNode event = (ObjectNode) archived.path("event").deepCopy();
                event.put("replay-name", "local-replay");
                route(archived.path("bus").asText(), event.toString());
                replayed++;
            }
        }
        return replayed;
    }

    /** Loads the archive a previous run left in the data directory. */
    void loadArchive() throws IOException {
        if (archiveFile != null && Files.exists(archiveFile)) {
            archive.addAll(Files.readAllLines(archiveFile));
        }
    }

    long putEntries() {
        return putEntries;
    }

    /** The detail-types of the archived events whose envelope carries this correlation id, in arrival order. */
    synchronized List<String> archivedTypes(String correlationId) throws IOException {
        List<String> types = new ArrayList<>();
        for (String line : archive) {
            JsonNode event = JSON.readTree(line).path("event");
            if (correlationId.equals(event.path("detail").path("correlationId").asText())) {
                types.add(event.path("detail-type").asText());
            }
        }
        return types;
    }

    private void route(String busName, String eventJson) throws Exception {
        Machine machine = machines.get(busName);
        if (machine == null) {
            return;
        }
        for (String rule : machine.rulesForJSONEvent(eventJson)) {
            for (Target target : targets.getOrDefault(rule, List.of())) {
                target.deliver(eventJson);
            }
        }
    }

    private void archive(String busName, ObjectNode event) {
        String line = JSON.createObjectNode().put("bus", busName).set("event", event).toString();
        archive.add(line);
        if (archiveFile != null) {
            try {
                Files.writeString(archiveFile, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** EventBridge's own measure: 14 bytes for the time plus the UTF-8 of source, type, detail and resources. */
    private static int entrySize(JsonNode entry) {
        int size = 14 + utf8(entry.path("Source").asText("")) + utf8(entry.path("DetailType").asText(""))
                + utf8(entry.path("Detail").asText(""));
        for (JsonNode resource : entry.path("Resources")) {
            size += utf8(resource.asText());
        }
        return size;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String invalid(JsonNode entry) {
        if (!entry.path("Source").isTextual() || entry.path("Source").asText().isEmpty()) {
            return "Parameter Source is not valid. Reason: Source is a required argument.";
        }
        if (!entry.path("DetailType").isTextual() || entry.path("DetailType").asText().isEmpty()) {
            return "Parameter DetailType is not valid. Reason: DetailType is a required argument.";
        }
        try {
            if (!JSON.readTree(entry.path("Detail").asText("")).isObject()) {
                return "Detail is malformed.";
            }
        } catch (IOException e) {
            return "Detail is malformed.";
        }
        return null;
    }

    private static ObjectNode event(JsonNode entry) throws IOException {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", entry.path("DetailType").asText());
        event.put("source", entry.path("Source").asText());
        event.put("account", CloudTemplate.ACCOUNT);
        event.put("time", time(entry.path("Time")));
        event.put("region", CloudTemplate.REGION);
        ArrayNode resources = event.putArray("resources");
        entry.path("Resources").forEach(resources::add);
        event.set("detail", JSON.readTree(entry.path("Detail").asText()));
        return event;
    }

    /** The SDK sends Time as epoch seconds; EventBridge shows it without fractions. */
    private static String time(JsonNode time) {
        Instant instant = time.isNumber() ? Instant.ofEpochMilli((long) (time.asDouble() * 1000)) : Instant.now();
        return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    static final class ValidationError extends Exception {
        ValidationError(String message) {
            super(message);
        }
    }

    /** What IAM says to a call its policies do not allow. */
    static final class AccessDenied extends Exception {
        AccessDenied(String message) {
            super(message);
        }
    }
}
