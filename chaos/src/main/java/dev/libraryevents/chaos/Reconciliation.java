package dev.libraryevents.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The end of a chaos run, once the pipeline has drained: every consumer checked against the truth. The truth is
 * the Library table (its entities and its outbox rows, each one event); the bus archive says what was published.
 * The checks re-derive what each consumer should hold from the event catalog (docs/design.md §3), independently of the
 * consumers' code, and read the consumers' tables and the usage report as they are:
 * <ul>
 *   <li>every outbox row of every service is on the bus;</li>
 *   <li>every request answered 2xx caused exactly its one event, and only the events it may cause besides (a return
 *       or a cancellation readies the next hold, a borrow fulfils one, a suspension cancels the user's); every
 *       request answered 4xx, or 5xx by the service itself, caused none;</li>
 *   <li>the Library's counters agree with its borrowings and holds (available + on hold shelf + on loan == total,
 *       loans, holds waiting), and each book's holds became READY in queue order;</li>
 *   <li>audit: every event logged once whole, and once under each book, user and borrowing it concerns, no more, no
 *       fewer;</li>
 *   <li>notification: one notification per event that causes one;</li>
 *   <li>analytics: the usage report's totals equal the counts of the truth;</li>
 *   <li>every dead-letter queue is empty, or each message in it is listed for explaining.</li>
 * </ul>
 */
final class Reconciliation {

    /**
     * One check: how many things it looked at, which were lost (an effect missing) and which were doubled (an
     * effect twice, or one that should not exist at all).
     */
    record Check(String name, long checked, List<String> lost, List<String> duplicated) {
        boolean passed() {
            return lost.isEmpty() && duplicated.isEmpty();
        }
    }

    /** A message in a dead-letter queue (or a relay's on-failure queue) at the end. */
    record DeadLetter(String queue, String body) {}

    /**
     * What the reconciliation found; {@code undecided…}: requests still without an answer that says what happened
     * after their retries ({@link Workload.Call#undecided}), by whether they took effect; {@code retried}: requests
     * sent again with their Idempotency-Key, {@code replayed} of them answered with the first attempt's answer.
     */
    record Result(List<Check> checks, List<DeadLetter> deadLetters, Map<String, Long> eventsByType,
                  long busEntries, long distinctEventsOnBus, long undecidedTookEffect, long undecidedDidNot,
                  long retried, long replayed) {

        /** Nothing lost or doubled, no dead letter, and every request decided: its retries settled it. */
        boolean passed() {
            return deadLetters.isEmpty() && checks.stream().allMatch(Check::passed) && undecidedAfterRetries() == 0;
        }

        long undecidedAfterRetries() {
            return undecidedTookEffect + undecidedDidNot;
        }

        long lost() {
            return checks.stream().mapToLong(c -> c.lost().size()).sum();
        }

        long duplicated() {
            return checks.stream().mapToLong(c -> c.duplicated().size()).sum();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Events that cause a notification, and its kind (docs/design.md §4). */
    private static final Map<String, String> NOTIFIED = Map.of("UserRegistered", "WELCOME",
            "BookBorrowed", "BORROW_CONFIRMATION", "BookReturned", "RETURN_CONFIRMATION",
            "UserSuspended", "ACCOUNT_SUSPENDED", "LoanRenewed", "RENEWAL_CONFIRMATION", "HoldReady", "HOLD_READY",
            "HoldExpired", "HOLD_EXPIRED");
    /** What a request may cause besides its own event, in the same transaction or (a suspension's) downstream. */
    private static final Map<Workload.Operation, Set<String>> ALSO_CAUSED = Map.of(
            Workload.Operation.RETURN, Set.of("HoldReady"),
            Workload.Operation.BORROW, Set.of("HoldFulfilled"),
            Workload.Operation.CANCEL_HOLD, Set.of("HoldReady"),
            Workload.Operation.SUSPEND, Set.of("HoldCancelled", "HoldReady"));
    /** The usage report's totals, each counted from the truth as the number of one event type. */
    private static final Map<String, String> TOTALS = Map.ofEntries(Map.entry("booksAdded", "BookAdded"),
            Map.entry("usersRegistered", "UserRegistered"), Map.entry("borrowings", "BookBorrowed"),
            Map.entry("returns", "BookReturned"), Map.entry("suspensions", "UserSuspended"),
            Map.entry("notificationsSent", "NotificationSent"), Map.entry("renewals", "LoanRenewed"),
            Map.entry("holdsPlaced", "HoldPlaced"), Map.entry("holdsFulfilled", "HoldFulfilled"),
            Map.entry("holdsCancelled", "HoldCancelled"), Map.entry("holdsExpired", "HoldExpired"));
    private static final int EXAMPLES = 5;

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final URI api;
    private final String authorization;
    private final HttpClient http = HttpClient.newHttpClient();

    Reconciliation(DynamoDbClient dynamoDb, SqsClient sqs, URI api, String librarianToken) {
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.api = api;
        this.authorization = "Bearer " + librarianToken;
    }

    Result reconcile(List<Workload.Call> calls, List<JsonNode> archive) throws IOException, InterruptedException {
        Map<String, List<Map<String, AttributeValue>>> tables = new LinkedHashMap<>();
        for (String service : List.of("Library", "Notification", "Analytics", "Audit")) {
            tables.put(service, scan(table(service)));
        }
        List<Map<String, AttributeValue>> library = tables.get("Library");

        // Every event any service wrote to its outbox (the truth of what happened), by id.
        Map<String, JsonNode> written = new LinkedHashMap<>();
        for (List<Map<String, AttributeValue>> items : tables.values()) {
            for (Map<String, AttributeValue> item : items) {
                if (text(item, "pk").startsWith("OUTBOX#") && item.containsKey("event")) {
                    JsonNode event = JSON.readTree(item.get("event").s());
                    written.put(event.path("eventId").asText(), event);
                }
            }
        }
        Map<String, JsonNode> published = new LinkedHashMap<>();
        for (JsonNode delivered : archive) {
            published.putIfAbsent(delivered.path("detail").path("eventId").asText(), delivered.path("detail"));
        }

        List<Check> checks = new ArrayList<>();
        checks.add(outboxPublished(written, published));
        Map<String, List<JsonNode>> libraryEventsByCorrelation = new HashMap<>();
        written.values().stream().filter(e -> e.path("source").asText().equals("library.service"))
                .forEach(e -> libraryEventsByCorrelation.computeIfAbsent(e.path("correlationId").asText(),
                        id -> new ArrayList<>()).add(e));
        checks.add(answeredRequests(calls, libraryEventsByCorrelation));
        checks.add(libraryCounters(library));
        checks.add(queueOrder(library));
        checks.add(auditTrail(written, tables.get("Audit")));
        checks.add(notifications(written, tables.get("Notification")));
        checks.add(usageReport(written));

        long tookEffect = calls.stream().filter(Workload.Call::undecided)
                .filter(c -> libraryEventsByCorrelation.containsKey(c.correlationId())).count();
        long noAnswer = calls.stream().filter(Workload.Call::undecided).count();
        Map<String, Long> byType = new TreeMap<>();
        written.values().forEach(e -> byType.merge(e.path("eventType").asText(), 1L, Long::sum));
        return new Result(checks, deadLetters(), byType, archive.size(), published.size(), tookEffect,
                noAnswer - tookEffect, calls.stream().filter(c -> c.attempts() > 1).count(),
                calls.stream().filter(Workload.Call::replayed).count());
    }

    /** Every outbox row is on the bus; nothing is on the bus that no outbox holds. */
    private static Check outboxPublished(Map<String, JsonNode> written, Map<String, JsonNode> published) {
        List<String> lost = new ArrayList<>();
        written.forEach((id, event) -> {
            if (!published.containsKey(id)) {
                lost.add(describe(event) + " is in its outbox but not on the bus");
            }
        });
        List<String> strays = new ArrayList<>();
        published.forEach((id, event) -> {
            if (!written.containsKey(id)) {
                strays.add(describe(event) + " is on the bus but in no outbox");
            }
        });
        return new Check("every outbox row is on the bus", written.size(), lost, strays);
    }

    /**
     * A 2xx caused its one event about the entity it named; a 4xx or a 5xx of the service's own caused nothing. An
     * undecided request may have taken effect or not, but not twice.
     */
    private static Check answeredRequests(List<Workload.Call> calls, Map<String, List<JsonNode>> byCorrelation) {
        List<String> lost = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        long checked = 0;
        for (Workload.Call call : calls) {
            List<JsonNode> caused = byCorrelation.getOrDefault(call.correlationId(), List.of());
            if (call.succeeded()) {
                checked++;
                long matching = caused.stream().filter(e -> e.path("eventType").asText()
                        .equals(call.operation().eventType) && e.path("aggregateId").asText()
                        .equals(call.aggregateId())).count();
                if (matching == 0) {
                    lost.add(call.status() + " to " + call.operation() + " " + call.correlationId()
                            + " has no " + call.operation().eventType + " in the Library's outbox");
                }
                List<String> others = othersThan(call, caused);
                if (matching > 1 || !others.isEmpty()) {
                    extra.add(call.status() + " to " + call.operation() + " " + call.correlationId() + " caused "
                            + types(caused));
                }
            } else if (call.refused() || call.failed()) {
                checked++;
                if (!caused.isEmpty()) {
                    extra.add(call.status() + " to " + call.operation() + " " + call.correlationId() + " caused "
                            + types(caused) + " (answer: " + abbreviate(call.answer()) + ")");
                }
            } else if (caused.stream().filter(e -> e.path("eventType").asText().equals(call.operation().eventType))
                    .count() > 1 || !othersThan(call, caused).isEmpty()) {
                extra.add("undecided " + call.operation() + " " + call.correlationId() + " caused " + types(caused));
            }
        }
        return new Check("every 2xx took effect once, every 4xx and service 5xx wrote nothing", checked, lost,
                extra);
    }

    /**
     * The events a request caused besides its own, that it may not cause: at most one of each that its operation may
     * cause in the same transaction, any number of a suspension's cancellations (one per open hold).
     */
    private static List<String> othersThan(Workload.Call call, List<JsonNode> caused) {
        Set<String> allowed = ALSO_CAUSED.getOrDefault(call.operation(), Set.of());
        Map<String, Long> others = new TreeMap<>();
        caused.stream().map(e -> e.path("eventType").asText())
                .filter(type -> !type.equals(call.operation().eventType))
                .forEach(type -> others.merge(type, 1L, Long::sum));
        List<String> unexpected = new ArrayList<>();
        others.forEach((type, count) -> {
            boolean many = call.operation() == Workload.Operation.SUSPEND;
            if (!allowed.contains(type) || (!many && count > 1)) {
                unexpected.add(count + " " + type);
            }
        });
        return unexpected;
    }

    /**
     * docs/design.md §4d's invariant, book by book: availableCopies = totalCopies − active loans − copies on the hold
     * shelf (its READY holds), holdsWaiting = its PLACED holds; activeLoans = the user's active borrowings.
     */
    private static Check libraryCounters(List<Map<String, AttributeValue>> items) {
        Map<String, Long> activeByBook = new HashMap<>();
        Map<String, Long> activeByUser = new HashMap<>();
        Map<String, Long> readyByBook = new HashMap<>();
        Map<String, Long> placedByBook = new HashMap<>();
        for (Map<String, AttributeValue> item : items) {
            if (text(item, "pk").startsWith("BORROWING#") && text(item, "status").equals("ACTIVE")) {
                activeByBook.merge(text(item, "bookId"), 1L, Long::sum);
                activeByUser.merge(text(item, "userId"), 1L, Long::sum);
            } else if (text(item, "pk").startsWith("HOLD#") && text(item, "sk").equals("HOLD")) {
                switch (text(item, "status")) {
                    case "READY" -> readyByBook.merge(text(item, "bookId"), 1L, Long::sum);
                    case "PLACED" -> placedByBook.merge(text(item, "bookId"), 1L, Long::sum);
                    default -> { }
                }
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        long checked = 0;
        for (Map<String, AttributeValue> item : items) {
            String pk = text(item, "pk");
            String sk = text(item, "sk");
            if (pk.startsWith("BOOK#") && sk.equals("BOOK")) {
                checked++;
                String bookId = text(item, "bookId");
                long shelf = readyByBook.getOrDefault(bookId, 0L);
                long expected = number(item, "totalCopies") - activeByBook.getOrDefault(bookId, 0L) - shelf;
                compare("book " + bookId + " availableCopies", number(item, "availableCopies"), expected, lost,
                        extra);
                compare("book " + bookId + " onHoldShelf", Math.max(0, number(item, "onHoldShelf")), shelf, lost,
                        extra);
                compare("book " + bookId + " holdsWaiting", Math.max(0, number(item, "holdsWaiting")),
                        placedByBook.getOrDefault(bookId, 0L), lost, extra);
            } else if (pk.startsWith("USER#") && sk.equals("USER")) {
                checked++;
                compare("user " + text(item, "userId") + " activeLoans", number(item, "activeLoans"),
                        activeByUser.getOrDefault(text(item, "userId"), 0L), lost, extra);
            }
        }
        return new Check("the Library's counters agree with its borrowings and holds", checked, lost, extra);
    }

    /**
     * Each book's holds were served in queue order: a hold that became READY did so no earlier than every hold
     * placed before it on that book became READY or was closed.
     */
    private static Check queueOrder(List<Map<String, AttributeValue>> items) {
        Map<String, List<Map<String, AttributeValue>>> byBook = new HashMap<>();
        items.stream().filter(item -> text(item, "pk").startsWith("HOLD#") && text(item, "sk").equals("HOLD"))
                .forEach(hold -> byBook.computeIfAbsent(text(hold, "bookId"), id -> new ArrayList<>()).add(hold));
        List<String> skipped = new ArrayList<>();
        long checked = 0;
        for (List<Map<String, AttributeValue>> holds : byBook.values()) {
            for (Map<String, AttributeValue> served : holds) {
                String readyAt = text(served, "readyAt");
                if (readyAt.isEmpty()) {
                    continue;
                }
                checked++;
                for (Map<String, AttributeValue> earlier : holds) {
                    if (number(earlier, "queueNumber") >= number(served, "queueNumber")) {
                        continue;
                    }
                    String done = !text(earlier, "readyAt").isEmpty() ? text(earlier, "readyAt")
                            : !text(earlier, "cancelledAt").isEmpty() ? text(earlier, "cancelledAt") : "";
                    if (done.isEmpty() || done.compareTo(readyAt) > 0) {
                        skipped.add("hold " + text(served, "holdId") + " was READY at " + readyAt + " before hold "
                                + text(earlier, "holdId") + ", placed earlier, was served or closed");
                    }
                }
            }
        }
        return new Check("holds: served in queue order", checked, List.of(), skipped);
    }

    /**
     * Every event (but the audit's own summaries) logged whole once, in the row keyed by its aggregate version, and
     * once under each entity with a trail that it concerns.
     */
    private static Check auditTrail(Map<String, JsonNode> written, List<Map<String, AttributeValue>> audit)
            throws IOException {
        Map<String, Integer> rows = new HashMap<>(); // "entity key|event id" -> rows
        for (Map<String, AttributeValue> item : audit) {
            String pk = text(item, "pk");
            // An event row (keyed by its aggregate version: counted as the event's own "entity") or a trail row;
            // not the audit's own outbox or its snapshots. Each holds the event, whose id is read as the API reads it.
            boolean eventOrTrailRow = pk.startsWith("PROCESSED#") ? text(item, "sk").equals("EVENT")
                    : item.containsKey("event") && !pk.startsWith("OUTBOX#") && !pk.startsWith("SNAPSHOT#");
            if (eventOrTrailRow) {
                rows.merge(pk + "|" + JSON.readTree(loggedEvent(item)).path("eventId").asText(), 1, Integer::sum);
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (JsonNode event : written.values()) {
            if (event.path("eventType").asText().equals("AuditLogged")) {
                continue;
            }
            for (String entity : entitiesOf(event)) {
                String key = entity + "|" + event.path("eventId").asText();
                expected.add(key);
                int found = rows.getOrDefault(key, 0);
                if (found == 0) {
                    lost.add("no audit row of " + describe(event) + " for " + entity);
                } else if (found > 1) {
                    extra.add(found + " audit rows of " + describe(event) + " for " + entity);
                }
            }
        }
        rows.keySet().stream().filter(Predicate.not(expected::contains))
                .forEach(key -> extra.add("audit row " + key + " matches no event in any outbox"));
        return new Check("audit: one row per event and entity", expected.size(), lost, extra);
    }

    /**
     * The audit rows an event is kept in: its aggregate version's (the whole event), its aggregate's trail if that
     * is a book, user or borrowing (the trails the audit API reads), and the book and user of a loan or a
     * notification.
     */
    private static List<String> entitiesOf(JsonNode event) {
        JsonNode data = event.path("data");
        String aggregateType = event.path("aggregateType").asText();
        List<String> entities = new ArrayList<>();
        entities.add("PROCESSED#" + aggregateType + "#" + event.path("aggregateId").asText() + "#"
                + event.path("sequence").asText());
        if (Set.of("Book", "User", "Borrowing", "Hold").contains(aggregateType)) {
            entities.add(aggregateType.toUpperCase() + "#" + event.path("aggregateId").asText());
        }
        switch (event.path("eventType").asText()) {
            case "BookBorrowed", "BookReturned" -> {
                entities.add("BOOK#" + data.path("bookId").asText());
                entities.add("USER#" + data.path("userId").asText());
            }
            case "HoldPlaced", "HoldReady", "HoldFulfilled", "HoldCancelled", "HoldExpired" -> {
                entities.add("BOOK#" + data.path("bookId").asText());
                entities.add("USER#" + data.path("userId").asText());
            }
            case "LoanRenewed", "NotificationSent", "DataExportRequested", "DataExportCompleted" ->
                    entities.add("USER#" + data.path("userId").asText());
            default -> { }
        }
        return entities;
    }

    /** One notification of the right kind per event that causes one; none that no event caused. */
    private static Check notifications(Map<String, JsonNode> written, List<Map<String, AttributeValue>> table) {
        Map<String, List<String>> kindsBySource = new HashMap<>();
        for (Map<String, AttributeValue> item : table) {
            if (text(item, "sk").startsWith("NOTIFICATION#")) {
                kindsBySource.computeIfAbsent(text(item, "sourceEventId"), id -> new ArrayList<>())
                        .add(text(item, "kind"));
            }
        }
        List<String> lost = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        long checked = 0;
        Set<String> causes = new HashSet<>();
        for (JsonNode event : written.values()) {
            String kind = NOTIFIED.get(event.path("eventType").asText());
            if (kind == null || !event.path("source").asText().equals("library.service")) {
                continue;
            }
            checked++;
            String eventId = event.path("eventId").asText();
            causes.add(eventId);
            List<String> kinds = kindsBySource.getOrDefault(eventId, List.of());
            if (!kinds.contains(kind)) {
                lost.add("no " + kind + " for " + describe(event));
            }
            if (kinds.size() > 1) {
                extra.add(kinds + " for " + describe(event));
            }
        }
        kindsBySource.forEach((source, kinds) -> {
            if (!causes.contains(source)) {
                extra.add(kinds + " caused by " + source + ", which no outbox holds");
            }
        });
        return new Check("notification: one per cause", checked, lost, extra);
    }

    /** The usage report's totals equal the numbers of events of each type in the outboxes. */
    private Check usageReport(Map<String, JsonNode> written) throws IOException, InterruptedException {
        Map<String, Long> counts = new HashMap<>();
        written.values().forEach(e -> counts.merge(e.path("eventType").asText(), 1L, Long::sum));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("reports/usage"))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /reports/usage answered " + response.statusCode() + ": "
                    + response.body());
        }
        JsonNode totals = JSON.readTree(response.body()).path("totals");
        List<String> lost = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        TOTALS.forEach((total, eventType) -> compare("totals." + total, totals.path(total).asLong(-1),
                counts.getOrDefault(eventType, 0L), lost, extra));
        compare("totals.activeLoans", totals.path("activeLoans").asLong(-1),
                counts.getOrDefault("BookBorrowed", 0L) - counts.getOrDefault("BookReturned", 0L), lost, extra);
        return new Check("analytics: usage totals equal the truth", TOTALS.size() + 1, lost, extra);
    }

    private static void compare(String what, long actual, long expected, List<String> lost, List<String> extra) {
        if (actual < expected) {
            lost.add(what + " is " + actual + ", the truth " + expected);
        } else if (actual > expected) {
            extra.add(what + " is " + actual + ", the truth " + expected);
        }
    }

    /** What every dead-letter and on-failure queue holds; each message is left where it is. */
    private List<DeadLetter> deadLetters() {
        List<DeadLetter> letters = new ArrayList<>();
        for (String url : sqs.listQueues().queueUrls()) {
            String name = url.substring(url.lastIndexOf('/') + 1);
            if (!name.contains("DeadLetters") && !name.contains("RelayFailures") && !name.contains("Missed")) {
                continue;
            }
            int depth = Integer.parseInt(sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
            if (depth > 0) {
                // Looked at, not taken: a visibility timeout of 0 leaves each message as it was.
                for (Message message : sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)
                        .visibilityTimeout(0)).messages()) {
                    letters.add(new DeadLetter(name, message.body()));
                }
            }
        }
        return letters;
    }

    private String table(String service) {
        return dynamoDb.listTables().tableNames().stream().filter(name -> name.startsWith(service + "Table"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + service + " table"));
    }

    private List<Map<String, AttributeValue>> scan(String table) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().forEach(items::add);
        return items;
    }

    /** An audit row's event: gzipped JSON (the Audit service's CompressedText), or text in rows from before it. */
    private static String loggedEvent(Map<String, AttributeValue> item) throws IOException {
        AttributeValue event = item.get("event");
        if (event.b() == null) {
            return event.s();
        }
        try (GZIPInputStream gzip = new GZIPInputStream(event.b().asInputStream())) {
            return new String(gzip.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String text(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || value.s() == null ? "" : value.s();
    }

    private static long number(Map<String, AttributeValue> item, String attribute) {
        AttributeValue value = item.get(attribute);
        return value == null || value.n() == null ? -1 : Long.parseLong(value.n());
    }

    private static String describe(JsonNode event) {
        return event.path("eventType").asText() + " " + event.path("eventId").asText() + " (" + event
                .path("aggregateType").asText() + " " + event.path("aggregateId").asText() + ", correlation "
                + event.path("correlationId").asText() + ")";
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("eventType").asText()).toList();
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "…";
    }

    /** At most a few examples of a list, for a report. */
    static List<String> examples(List<String> all) {
        return all.size() <= EXAMPLES ? all : all.subList(0, EXAMPLES);
    }
}
