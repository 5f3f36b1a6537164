package dev.libraryevents.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dollars per million borrow+return workflows, from what the local cloud counted in a throughput run and the price
 * table in {@code aws-prices-us-east-1.json}; beside it the naive variant computed from the same counts: batch size
 * 1 on every event source (one invocation per message or stream record, one receive and one delete per message),
 * one PutEvents call per event, and every consumed event's effect committed in one transaction with its dedupe mark
 * (the idempotent consumer as the guides draw it), so each write a consumer made outside a transaction costs the
 * naive variant twice its units. Each naive invocation lasts what this run's single-record invocations of that
 * function lasted. Where this design combines writes (a batch's counters summed into one update, one summary event
 * per batch), the naive variant is credited with the combined count, although with batches of one it would write
 * and publish once per event: the comparison flatters it.
 */
final class CostModel {

    static final List<String> SERVICES = List.of("Library", "Notification", "Analytics", "Audit");

    /** Per-workflow quantities of one variant, by service (plus "total"). */
    record Usage(Map<String, Map<String, Double>> byService) {
        double total(String item) {
            return byService.values().stream().mapToDouble(m -> m.getOrDefault(item, 0.0)).sum();
        }
    }

    /** A priced line: quantity per workflow and dollars per million workflows, for this design and the naive one. */
    record Line(String item, String unit, double quantity, double dollars, double naiveQuantity, double naiveDollars) {}

    static final String INVOCATIONS = "Lambda invocations";
    static final String GB_SECONDS = "Lambda GB-seconds";
    static final String WRU = "DynamoDB write units";
    static final String RRU = "DynamoDB read units";
    static final String ENTRIES = "EventBridge entries";
    static final String PUT_EVENTS_CALLS = "PutEvents calls";
    static final String SQS = "SQS requests";
    static final String LOG_KB = "log KB";

    private final JsonNode prices;

    CostModel() throws IOException {
        try (InputStream in = CostModel.class.getResourceAsStream("/aws-prices-us-east-1.json")) {
            prices = new ObjectMapper().readTree(in);
        }
    }

    JsonNode priceTable() {
        return prices;
    }

    Usage usage(Throughput.Run run, Map<String, Integer> memoryMb, boolean naive) {
        Map<String, Map<String, Double>> byService = new LinkedHashMap<>();
        SERVICES.forEach(service -> byService.put(service, new LinkedHashMap<>()));
        double perWorkflow = 1.0 / run.usageWorkflows();
        Map<String, Double> usage = run.usage();
        for (String function : memoryMb.keySet()) {
            double invocations = usage.getOrDefault("lambda.invocations|" + function, 0.0);
            if (invocations == 0) {
                continue;
            }
            double records = usage.getOrDefault("lambda.records|" + function, 0.0);
            double billedMs = usage.getOrDefault("lambda.billedMs|" + function, 0.0);
            double singles = usage.getOrDefault("lambda.singleRecordInvocations|" + function, 0.0);
            double singleMs = usage.getOrDefault("lambda.singleRecordMs|" + function, 0.0);
            if (naive && batched(function)) {
                billedMs = records * (singles > 0 ? singleMs / singles : billedMs / invocations);
                invocations = records;
            }
            Map<String, Double> service = byService.get(serviceOf(function));
            service.merge(INVOCATIONS, invocations * perWorkflow, Double::sum);
            service.merge(GB_SECONDS, billedMs / 1000 * memoryMb.get(function) / 1024.0 * perWorkflow, Double::sum);
            if (naive && function.contains("Consumer")) { // a receive and a delete per message
                service.merge(SQS, 2 * records * perWorkflow, Double::sum);
            }
        }
        usage.forEach((key, value) -> {
            String[] parts = key.split("\\|");
            if (parts.length < 2 || parts[1].equals("Benchmark")) {
                return;
            }
            Map<String, Double> service = byService.get(serviceOf(parts[1]));
            if (service == null) {
                return;
            }
            switch (parts[0]) {
                case "dynamodb.wru" -> service.merge(WRU, value * perWorkflow, Double::sum);
                case "dynamodb.wru.single" -> {
                    if (naive && parts[1].contains("Consumer")) { // in a transaction: twice the units
                        service.merge(WRU, value * perWorkflow, Double::sum);
                    }
                }
                case "dynamodb.rru" -> service.merge(RRU, value * perWorkflow, Double::sum);
                case "events.entries" -> {
                    service.merge(ENTRIES, value * perWorkflow, Double::sum);
                    if (naive) {
                        service.merge(PUT_EVENTS_CALLS, value * perWorkflow, Double::sum);
                    }
                }
                case "request" -> {
                    if (!naive && parts[2].equals("EventBridge.PutEvents")) {
                        service.merge(PUT_EVENTS_CALLS, value * perWorkflow, Double::sum);
                    }
                }
                case "sqs" -> {
                    boolean idle = parts[2].endsWith(".empty");
                    boolean pollerBatch = parts[2].equals("ReceiveMessage") || parts[2].equals("DeleteMessageBatch");
                    if (!idle && !(naive && pollerBatch)) {
                        service.merge(SQS, value * perWorkflow, Double::sum);
                    }
                }
                default -> { }
            }
        });
        return new Usage(byService);
    }

    /** The log volume is the same for both variants: the same lines are written per event. */
    List<Line> price(Throughput.Run run, Usage actual, Usage naive) {
        return price(run, actual, naive, 2); // a borrow and a return
    }

    /** @param apiRequests the workflow's requests to the API */
    List<Line> price(Throughput.Run run, Usage actual, Usage naive, int apiRequests) {
        double logKb = run.logBytes() / 1024.0 / run.usageWorkflows();
        return List.of(
                line("API Gateway requests", "requests", apiRequests, apiRequests, "apiGatewayPerMillionRequests",
                        1e-6),
                line(INVOCATIONS, "invocations", actual.total(INVOCATIONS), naive.total(INVOCATIONS),
                        "lambdaPerMillionRequests", 1e-6),
                line(GB_SECONDS, "GB-s", actual.total(GB_SECONDS), naive.total(GB_SECONDS), "lambdaArmPerGbSecond", 1),
                line(WRU, "WRU", actual.total(WRU), naive.total(WRU), "dynamoDbPerMillionWriteUnits", 1e-6),
                line(RRU, "RRU", actual.total(RRU), naive.total(RRU), "dynamoDbPerMillionReadUnits", 1e-6),
                line(ENTRIES, "entries", actual.total(ENTRIES), naive.total(ENTRIES), "eventBridgePerMillionEvents",
                        1e-6),
                line(SQS, "requests", actual.total(SQS), naive.total(SQS), "sqsPerMillionRequests", 1e-6),
                line("CloudWatch Logs", "KB", logKb, logKb, "cloudWatchLogsPerGb", 1.0 / 1024 / 1024));
    }

    /** @param scale how many priced units one counted unit is (1e-6 for prices per million, 1/1024² for KB → GB) */
    private Line line(String item, String unit, double quantity, double naiveQuantity, String price, double scale) {
        double usd = prices.path("prices").path(price).path("usd").asDouble();
        double perMillionWorkflows = 1e6 * usd * scale;
        return new Line(item, unit, quantity, quantity * perMillionWorkflows, naiveQuantity,
                naiveQuantity * perMillionWorkflows);
    }

    private static boolean batched(String function) {
        return function.contains("Consumer") || function.contains("OutboxRelay");
    }

    static String serviceOf(String functionOrQueue) {
        return SERVICES.stream().filter(functionOrQueue::startsWith).findFirst().orElse("other");
    }
}
