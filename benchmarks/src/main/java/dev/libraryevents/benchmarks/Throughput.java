package dev.libraryevents.benchmarks;

import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.hooks.Metering;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Sustained workflows per second with N clients, each borrowing and returning its own copy of its own book as fast
 * as the API answers, for a fixed window; then the time the pipeline needs to carry every event to the end. Beside
 * it, in the same run, the raw rate of DynamoDB Local transactions shaped like a borrow (five items), from N threads
 * through the same endpoint the functions use: the storage limit of this machine.
 */
final class Throughput {

    /**
     * @param workflows      finished inside the measured window
     * @param drainSeconds   from the last client's last answer until the last function finished its last invocation
     * @param usageWorkflows every workflow of the run, warm-up included: what {@code usage} was spent on
     * @param usage          what the metering counted from the warm-up's start to the drain's end
     * @param logBytes       what the functions logged meanwhile
     * @param cpu            where the machine's CPU went over the same span as {@code usage}
     * @param rawCpu         the local cloud's CPU per raw request, a floor under its CPU per workflow
     */
    record Run(int clients, long workflows, double windowSeconds, double drainSeconds, long usageWorkflows,
               double rawTransactionsPerSecond, Map<String, Double> usage, long logBytes, CpuMeter.Use cpu,
               RawCpu rawCpu) {
        double apiRate() {
            return workflows / windowSeconds;
        }

        /** Workflows per second with every one of their events carried to the end. */
        double sustainedRate() {
            return workflows / (windowSeconds + drainSeconds);
        }

        double ratioToStorage() {
            return sustainedRate() / rawTransactionsPerSecond;
        }
    }

    /**
     * The CPU milliseconds of DynamoDB Local and the AWS endpoint per request, with nothing else running:
     * a borrow-shaped {@code TransactWriteItems}, and a {@code GetItem} of one small item (as cheap as a request
     * gets). Times a workflow's requests, they are what its DynamoDB requests alone cost the local
     * cloud, before any queue, bus or API work.
     */
    record RawCpu(double perTransaction, double perGetItem) {
        double floorPerWorkflow(double transactions, double otherRequests) {
            return transactions * perTransaction + otherRequests * perGetItem;
        }
    }

    private static final String RAW_TABLE = "BenchmarkRawTransactions";

    private final LocalCloud cloud;
    private final LibraryClient client;
    private final DynamoDbClient dynamoDb;

    Throughput(LocalCloud cloud, LibraryClient client) {
        this.cloud = cloud;
        this.client = client;
        URI endpoint = cloud.awsEndpoint();
        this.dynamoDb = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("Benchmark", "x")))
                .build();
        try {
            dynamoDb.createTable(r -> r.tableName(RAW_TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH),
                            k -> k.attributeName("sk").keyType(KeyType.RANGE)));
        } catch (ResourceInUseException alreadyThere) {
            // a second run in the same local cloud
        }
    }

    /**
     * The clients first run for a quarter of the window (at least two seconds) unmeasured, while the functions scale
     * out (each new environment is a cold start); the rate counts the workflows finished inside the window. The
     * usage covers everything from the warm-up's start to the drain's end, divided among all workflows.
     */
    Run measure(int clients, Duration window) throws Exception {
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            pairs.add(new String[] {client.registerUser(), client.addBook(1)});
        }
        cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(5));
        Map<String, Double> before = cloud.hooks().metering().snapshot();
        long logsBefore = totalLogBytes();
        CpuMeter cpu = new CpuMeter();
        long windowStart = System.nanoTime() + Math.max(Duration.ofSeconds(2).toNanos(), window.toNanos() / 4);
        long windowEnd = windowStart + window.toNanos();
        long[] inWindow = new long[clients];
        long workflows = sum(clients, index -> cpu.client(() -> {
            String[] pair = pairs.get(index);
            long done = 0;
            while (System.nanoTime() < windowEnd) {
                client.giveBack(client.borrow(pair[0], pair[1]).field("borrowingId"));
                done++;
                long now = System.nanoTime();
                if (now >= windowStart && now < windowEnd) {
                    inWindow[index]++;
                }
            }
            return done;
        }));
        long measured = Arrays.stream(inWindow).sum();
        long lastFinished = System.nanoTime();
        if (!cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(10))) {
            throw new IllegalStateException("the pipeline did not drain within 10 minutes");
        }
        long drained = Math.max(lastFinished, cloud.hooks().metering().lastInvocationNanos());
        CpuMeter.Use cpuUse = cpu.stop(drained);
        double drain = (drained - lastFinished) / 1e9;
        Map<String, Double> usage = Metering.difference(before, cloud.hooks().metering().snapshot());
        long logBytes = totalLogBytes() - logsBefore;
        CpuMeter rawMeter = new CpuMeter();
        long rawStarted = System.nanoTime();
        long transactions = rawTransactions(clients, window, rawMeter);
        double raw = transactions / ((System.nanoTime() - rawStarted) / 1e9);
        double perTransaction = dynamoDbPath(rawMeter.stop(System.nanoTime())) * 1000 / transactions;
        CpuMeter readMeter = new CpuMeter();
        long reads = rawGetItems(clients, Duration.ofNanos(Math.max(Duration.ofSeconds(2).toNanos(),
                window.toNanos() / 4)), readMeter);
        double perRead = dynamoDbPath(readMeter.stop(System.nanoTime())) * 1000 / reads;
        return new Run(clients, measured, window.toNanos() / 1e9, drain, workflows, raw, usage, logBytes, cpuUse,
                new RawCpu(perTransaction, perRead));
    }

    /** Borrow-shaped transactions from {@code threads} threads for {@code window}; how many. */
    private long rawTransactions(int threads, Duration window, CpuMeter cpu) throws Exception {
        long end = System.nanoTime() + window.toNanos();
        return sum(threads, index -> cpu.client(() -> {
            String book = "BOOK#" + UUID.randomUUID();
            String user = "USER#" + UUID.randomUUID();
            dynamoDb.putItem(r -> r.tableName(RAW_TABLE).item(Map.of("pk", s(book), "sk", s("BOOK"),
                    "available", n(1_000_000))));
            dynamoDb.putItem(r -> r.tableName(RAW_TABLE).item(Map.of("pk", s(user), "sk", s("USER"),
                    "loans", n(0))));
            long done = 0;
            while (System.nanoTime() < end) {
                dynamoDb.transactWriteItems(r -> r.transactItems(borrowShaped(book, user)));
                done++;
            }
            return done;
        }));
    }

    /**
     * The CPU seconds of a DynamoDB request's path through the local cloud: the AWS endpoint and DynamoDB Local.
     * Not the JVM's JIT and GC, nor the idle pollers meanwhile: what is left is a floor.
     */
    private static double dynamoDbPath(CpuMeter.Use use) {
        return use.localCloudParts().get(CpuMeter.Part.DYNAMODB_LOCAL)
                + use.localCloudParts().get(CpuMeter.Part.AWS_ENDPOINT);
    }

    /** GetItems of one small item from {@code threads} threads for {@code span}; how many. */
    private long rawGetItems(int threads, Duration span, CpuMeter cpu) throws Exception {
        Map<String, AttributeValue> key = Map.of("pk", s("USER#raw-read"), "sk", s("USER"));
        dynamoDb.putItem(r -> r.tableName(RAW_TABLE).item(Map.of("pk", key.get("pk"), "sk", key.get("sk"),
                "loans", n(0))));
        long end = System.nanoTime() + span.toNanos();
        return sum(threads, index -> cpu.client(() -> {
            long done = 0;
            while (System.nanoTime() < end) {
                dynamoDb.getItem(r -> r.tableName(RAW_TABLE).key(key));
                done++;
            }
            return done;
        }));
    }

    /** Two conditional counter updates and three puts (loan, borrowing, outbox row with an event), like a borrow. */
    private static List<TransactWriteItem> borrowShaped(String book, String user) {
        String id = UUID.randomUUID().toString();
        return List.of(
                TransactWriteItem.builder().update(u -> u.tableName(RAW_TABLE)
                        .key(Map.of("pk", s(book), "sk", s("BOOK")))
                        .updateExpression("SET available = available - :one").conditionExpression("available > :zero")
                        .expressionAttributeValues(Map.of(":one", n(1), ":zero", n(0)))).build(),
                TransactWriteItem.builder().update(u -> u.tableName(RAW_TABLE)
                        .key(Map.of("pk", s(user), "sk", s("USER")))
                        .updateExpression("SET loans = loans + :one").conditionExpression("loans < :limit")
                        .expressionAttributeValues(Map.of(":one", n(1), ":limit", n(Long.MAX_VALUE)))).build(),
                put(Map.of("pk", s(user), "sk", s("LOAN#" + id), "borrowingId", s(id))),
                put(Map.of("pk", s("BORROWING#" + id), "sk", s("BORROWING"), "userId", s(user), "bookId", s(book),
                        "status", s("ACTIVE"), "borrowedAt", s("2026-11-22T10:00:00.000Z"),
                        "dueAt", s("2026-12-06T10:00:00.000Z"))),
                put(Map.of("pk", s("OUTBOX#Borrowing#" + id), "sk", s("00000000000000000001"),
                        "event", s("x".repeat(700)), "expiresAt", n(1_800_000_000L))));
    }

    private static TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(RAW_TABLE).item(item)
                .conditionExpression("attribute_not_exists(pk)")).build();
    }

    private long totalLogBytes() throws IOException {
        return cloud.hooks().logBytes().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Runs one task per worker at once and adds up what they return. */
    private static long sum(int workers, IntFunction<Callable<Long>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                results.add(pool.submit(task.apply(i)));
            }
            long total = 0;
            for (Future<Long> result : results) {
                total += result.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
