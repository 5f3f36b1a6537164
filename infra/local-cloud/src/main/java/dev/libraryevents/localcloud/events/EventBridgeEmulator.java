package dev.libraryevents.localcloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.hooks.Faults;
import dev.libraryevents.localcloud.endpoint.Gate;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.event.ruler.Machine;

/**
 * EventBridge's state and behaviour for the template's buses: PutEvents with AWS's entry limits and the callers'
 * IAM, the template's rules (enabled or not) matched by AWS's own event-ruler, delivery to their targets, and an
 * archive of every accepted event (a JSON line each, under the data directory when there is one) that can be
 * replayed. {@link EventBridgeApi} is its wire protocol.
 */
public final class EventBridgeEmulator {

    static final int MAX_ENTRIES = 10;
    static final int MAX_REQUEST_BYTES = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A target of a rule: its id and ARN as the template names them, and how an event reaches it. */
    public record Target(String id, String arn, Consumer<String> delivery) {}

    /** A rule: an event pattern (null for a schedule) on a bus, its targets, and whether it is enabled. */
    public static final class Rule {
        public final String name;
        public final String bus;
        final String pattern;
        public final String schedule;
        final String description;
        public final List<Target> targets;
        public volatile boolean enabled;

        public Rule(String name, String bus, String pattern, String schedule, String description, boolean enabled,
             List<Target> targets) {
            this.name = name;
            this.bus = bus;
            this.pattern = pattern;
            this.schedule = schedule;
            this.description = description;
            this.enabled = enabled;
            this.targets = List.copyOf(targets);
        }

        public String arn() {
            return CloudTemplate.ruleArn(bus, name);
        }
    }

    /** A replay as DescribeReplay shows it. */
    record Replay(String name, String archiveArn, String destinationArn, Instant from, Instant to, Instant started,
                  Instant ended, int replayed) {}

    private final Map<String, Machine> machines = new HashMap<>();
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Set<String> buses = new LinkedHashSet<>(List.of("default"));
    private final Map<String, Replay> replays = new LinkedHashMap<>();
    private final BusArchive archive;
    private final Gate gate;
    private long putEntries;

    /**
     * @param gate what each caller's role lets it put, the entries to fail on purpose (as the bus may now and then),
     *             and the meter of entries put (EventBridge's unit of price)
     */
    public EventBridgeEmulator(Path dataDirectory, Gate gate) {
        this.archive = new BusArchive(dataDirectory);
        this.gate = gate;
    }

    /** The template's archives, by name, each recording one bus. */
    private final Map<String, String> archives = new LinkedHashMap<>();

    public void addBus(String name) {
        buses.add(name);
    }

    synchronized Set<String> buses() {
        return Set.copyOf(buses);
    }

    public void addArchive(String archiveName, String busName) {
        archives.put(archiveName, busName);
    }

    /** Archive names and the bus each records. */
    Map<String, String> archives() {
        return Map.copyOf(archives);
    }

    /** The archive's events (all of them: one archive per bus here) and their size in bytes. */
    long[] archiveSize(String busName) throws IOException {
        return archive.size(busName);
    }

    public synchronized void addRule(Rule rule) throws Exception {
        if (rule.pattern != null) {
            EventPatterns.add(machines.computeIfAbsent(rule.bus, name -> Machine.builder().build()), rule.name,
                    rule.pattern);
        }
        rules.put(rule.name, rule);
    }

    public synchronized List<Rule> rules() {
        return List.copyOf(rules.values());
    }

    public synchronized Rule rule(String name) {
        return rules.get(name);
    }

    /** Replays archived events into their bus: StartReplay, done before it returns. */
    synchronized Replay startReplay(String name, String archiveArn, String destinationArn, Instant from, Instant to)
            throws Exception {
        if (replays.containsKey(name)) {
            throw new ValidationError("Replay " + name + " already exists.");
        }
        Instant started = Instant.now();
        int replayed = replay(name, from, to);
        Log.info("replay " + name + ": " + replayed + " archived events put on their bus again");
        Replay replay = new Replay(name, archiveArn, destinationArn, from, to, started, Instant.now(), replayed);
        replays.put(name, replay);
        return replay;
    }

    synchronized Replay replay(String name) {
        return replays.get(name);
    }

    synchronized List<Replay> replays() {
        return List.copyOf(replays.values());
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
        for (JsonNode entry : entries) {
            // The whole call is refused when one entry is not allowed, as with IAM's events:source condition.
            gate.authorize(caller, "events:PutEvents", busArn(entry.path("EventBusName").asText("default")),
                    Map.of("events:source", entry.path("Source").asText(),
                            "events:detail-type", entry.path("DetailType").asText()));
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
            if (gate.failsEntry()) {
                failed++;
                results.addObject().put("ErrorCode", Faults.ENTRY_FAILED).put("ErrorMessage",
                        "Internal Service Error, please retry.");
                continue;
            }
            String busName = busName(entry.path("EventBusName").asText("default"));
            ObjectNode event = event(entry);
            route(busName, event.toString());
            archive.add(busName, event);
            putEntries++;
            gate.metering().add("events.entries|" + caller, 1);
            results.addObject().put("EventId", event.get("id").asText());
        }
        response.put("FailedEntryCount", failed);
        return response.toString();
    }

    /** Puts archived events whose time lies in [from, to] on their bus again, as EventBridge's replay does. */
    private int replay(String name, Instant from, Instant to) throws Exception {
        int replayed = 0;
        for (String line : archive.lines()) {
            JsonNode archived = JSON.readTree(line);
            Instant time = Instant.parse(archived.path("event").path("time").asText());
            if (!time.isBefore(from) && !time.isAfter(to)) {
                ObjectNode event = (ObjectNode) archived.path("event").deepCopy();
                event.put("replay-name", name);
                route(archived.path("bus").asText(), event.toString());
                replayed++;
            }
        }
        return replayed;
    }

    /** Loads the archive a previous run left in the data directory. */
    public void loadArchive() throws IOException {
        archive.load();
    }

    public long putEntries() {
        return putEntries;
    }

    /** Every archived event, as EventBridge delivered it, in arrival order (replays not included). */
    public List<JsonNode> archivedEvents() throws IOException {
        return archive.events();
    }

    /** The last {@code count} archived events, oldest first, each as {@code {"bus": …, "event": …}}. */
    public List<JsonNode> recentEvents(int count) throws IOException {
        return archive.recent(count);
    }

    /** The rules of a bus whose pattern matches an event (enabled or not), as routing would find them. */
    public synchronized List<String> rulesMatching(String busName, String eventJson) throws Exception {
        Machine machine = machines.get(busName);
        return machine == null ? List.of() : machine.rulesForJSONEvent(eventJson);
    }

    /** The detail-types of the archived events whose envelope carries this correlation id, in arrival order. */
    public List<String> archivedTypes(String correlationId) throws IOException {
        return archive.typesOf(correlationId);
    }

    private void route(String busName, String eventJson) throws Exception {
        Machine machine = machines.get(busName);
        if (machine == null) {
            return;
        }
        for (String name : machine.rulesForJSONEvent(eventJson)) {
            Rule rule = rules.get(name);
            if (rule != null && rule.enabled) {
                rule.targets.forEach(target -> target.delivery().accept(eventJson));
            }
        }
    }

    /** A bus's name from its name or ARN. */
    static String busName(String nameOrArn) {
        return nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
    }

    static String busArn(String nameOrArn) {
        return CloudTemplate.arn("events", "event-bus/" + busName(nameOrArn));
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
}
