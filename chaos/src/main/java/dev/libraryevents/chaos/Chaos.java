package dev.libraryevents.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.cli.CommandLines;
import dev.libraryevents.localcloud.CloudOptions;
import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.ops.SignInAccounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The chaos soak: the local cloud on a data directory, C clients running library workflows for a while, faults
 * injected at random times from a seed (functions killed mid-invocation, a consumer's mapping disabled, a
 * function's DynamoDB requests throttled, PutEvents entries failed, the whole cloud restarted once), then the
 * pipeline drained and every consumer reconciled against the truth ({@link Reconciliation}); the report says what
 * was lost or done twice. {@code bin/chaos} builds, synthesizes and runs it:
 *
 * <pre>
 * bin/chaos             # the full run (about 10 minutes here): docs/chaos.md
 * bin/chaos --smoke     # 60 seconds of load (CI): target/chaos/chaos.md
 * bin/chaos --seed 42   # the same faults and client choices again
 * </pre>
 *
 * Exits 0 when nothing was lost, doubled or left unexplained in a dead-letter queue, 1 otherwise.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Runs library workflows on the local cloud while faults strike at random, then reconciles "
                + "every consumer against the truth and writes the report.")
public final class Chaos implements Callable<Integer> {

    /** How a run is set up; the report prints it, and the seed and these replay it. */
    record Settings(long seed, int clients, Duration load, Duration meanGap, int concurrency,
                    Duration queueVisibility, Path template, Path output, String command) {}

    /** A fault as it was injected: when it struck and ended (nanoTime), and what came of it. */
    record Injected(FaultPlan.Fault fault, long startedNanos, long endedNanos, String outcome) {}

    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(10);
    private static final Duration DRAIN_REPORT = Duration.ofMinutes(1);
    private static final Duration QUIET = Duration.ofSeconds(5);
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(20);

    @Spec
    CommandSpec spec;

    @Option(names = "--smoke", description = "60 seconds of load from 4 clients (what CI runs); the report goes to "
            + "target/chaos/ unless --out says otherwise.")
    boolean smoke;

    @Option(names = "--seed", paramLabel = "N", description = "The seed of the faults and the clients' choices "
            + "(default: a new one, printed).")
    Long seed;

    @Option(names = "--clients", paramLabel = "C", description = "Clients running workflows at once (default: 8, "
            + "4 with --smoke).")
    Integer clients;

    @Option(names = "--seconds", paramLabel = "D", description = "Seconds of load (default: 420, 60 with --smoke).")
    Integer seconds;

    @Option(names = "--mean-gap", paramLabel = "SECONDS", description = "Mean seconds between faults "
            + "(default: 8, 5 with --smoke).")
    Integer meanGap;

    @Mixin
    CloudOptions cloudOptions = new CloudOptions(2);

    @Mixin
    CloudOptions.QueueVisibility queueVisibility = new CloudOptions.QueueVisibility(10);

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: docs, or "
            + "target/chaos with --smoke).")
    Path out;

    private final String command;
    private volatile LocalCloud cloud;
    private long[] faultsBeforeRestart = {0, 0};

    private Chaos(String command) {
        this.command = command;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new Chaos("bin/chaos" + (args.length == 0 ? "" : " "
                + String.join(" ", args))), args));
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = settings();
        Path root = CommandLines.repositoryRoot();
        Path work = root.resolve("target").resolve("chaos");
        Path data = work.resolve("data");
        CommandLines.deleteRecursively(data);
        Files.createDirectories(settings.output());
        LocalCloud.Options firstStart = new LocalCloud.Options(settings.template(), 0, 0, data, work.resolve("logs"),
                settings.concurrency(), settings.queueVisibility());
        List<FaultPlan.Fault> plan = FaultPlan.draw(settings.seed(), settings.load(), settings.meanGap());
        System.out.println("chaos: seed " + settings.seed() + ", " + settings.clients() + " clients for "
                + settings.load().toSeconds() + " s, " + plan.size() + " faults planned");

        cloud = LocalCloud.start(firstStart);
        // A restart binds the ports the first start was given, so that the clients go on calling the same URL.
        LocalCloud.Options options = new LocalCloud.Options(firstStart.template(), cloud.apiUrl().getPort(),
                cloud.awsEndpoint().getPort(), data, firstStart.logDirectory(), firstStart.concurrency(),
                firstStart.queueVisibility());
        ScheduledExecutorService endings = Executors.newSingleThreadScheduledExecutor();
        try {
            String token;
            try (SignInAccounts accounts = SignInAccounts.at(cloud.awsEndpoint(), cloud.stackName())) {
                token = accounts.add("chaos-librarian@example.org", SignInAccounts.newPassword(), true);
            }
            Workload workload = new Workload(cloud.apiUrl(), token, settings.clients(), settings.seed());
            long loadStarted = System.nanoTime();
            workload.start();
            List<Injected> injected = inject(plan, loadStarted, settings.load(), options, endings);
            sleepUntil(loadStarted + settings.load().toNanos());
            List<Workload.Call> calls = workload.stop();
            long loadEnded = System.nanoTime();
            endings.shutdownNow();
            heal();
            long lastFaultEnded = injected.stream().mapToLong(Injected::endedNanos).max().orElse(loadStarted);
            System.out.println("chaos: load over (" + calls.size() + " requests); draining ...");
            Duration drain = drain(Math.max(lastFaultEnded, loadStarted));

            Reconciliation.Result result;
            try (DynamoDbClient dynamoDb = cloud.administrator(DynamoDbClient.builder());
                 SqsClient sqs = cloud.administrator(SqsClient.builder())) {
                List<JsonNode> archive = cloud.hooks().archivedEvents();
                result = new Reconciliation(dynamoDb, sqs, cloud.apiUrl(), token).reconcile(calls, archive);
            }
            long[] counts = faultCounts();
            Path written = new ChaosReport(settings).write(injected, calls, result, drain,
                    Duration.ofNanos(loadEnded - loadStarted), counts[0], counts[1], root);
            System.out.println("chaos: lost " + result.lost() + ", duplicated " + result.duplicated()
                    + ", dead letters " + result.deadLetters().size() + ", undecided after retries "
                    + result.undecidedAfterRetries() + " (seed " + settings.seed() + ")");
            // A failed run says what failed here too: CI keeps the console, not the report.
            result.checks().stream().filter(check -> !check.passed()).forEach(check -> {
                System.out.println("chaos: failed: " + check.name());
                Reconciliation.examples(check.lost()).forEach(line -> System.out.println("  lost: " + line));
                Reconciliation.examples(check.duplicated()).forEach(line -> System.out.println("  doubled: " + line));
            });
            result.deadLetters().forEach(letter -> System.out.println("chaos: dead letter in " + letter.queue()));
            System.out.println("written: " + root.relativize(written.toAbsolutePath()));
            return result.passed() ? 0 : 1;
        } finally {
            endings.shutdownNow();
            cloud.close();
        }
    }

    /** Runs the plan against the load under way; returns each fault as injected. */
    private List<Injected> inject(List<FaultPlan.Fault> plan, long loadStarted, Duration loadLength,
                                  LocalCloud.Options options, ScheduledExecutorService endings) throws Exception {
        List<Injected> injected = new ArrayList<>();
        for (FaultPlan.Fault fault : plan) {
            if (System.nanoTime() - loadStarted > loadLength.toNanos()) {
                break; // a slow fault (a kill waiting for an invocation, a restart) pushed the rest past the load
            }
            sleepUntil(loadStarted + fault.at().toNanos());
            long started = System.nanoTime();
            String outcome = "injected";
            long ended = started + fault.lasting().toNanos();
            switch (fault.kind()) {
                case KILL -> {
                    outcome = cloud.hooks().killAnInvocation(fault.target(), fault.lasting().isNegative() ? null
                            : fault.lasting(), KILL_PATIENCE).orElse("not killed: no invocation came within "
                            + KILL_PATIENCE.toSeconds() + " s");
                    ended = System.nanoTime();
                }
                case MAPPING_DISABLED -> {
                    cloud.hooks().pauseConsumer(fault.target(), true);
                    endings.schedule(() -> cloud.hooks().pauseConsumer(fault.target(), false),
                            fault.lasting().toMillis(), TimeUnit.MILLISECONDS);
                }
                case DYNAMODB_THROTTLED -> cloud.hooks().faults().throttleDynamoDb(functionId(fault.target()),
                        fault.lasting());
                case PUT_EVENTS_FAILING -> cloud.hooks().faults().failPutEvents(fault.share(), fault.lasting());
                case CLOUD_RESTART -> {
                    faultsBeforeRestart = faultCounts();
                    cloud.close();
                    cloud = LocalCloud.start(options);
                    ended = System.nanoTime();
                    outcome = "down " + Duration.ofNanos(ended - started).toMillis() + " ms";
                }
            }
            System.out.println("chaos: +" + fault.at().toSeconds() + " s " + fault.describe() + ": " + outcome);
            injected.add(new Injected(fault, started, ended, outcome));
        }
        return injected;
    }

    /** Requests throttled and entries failed so far, by this cloud and the ones before a restart. */
    private long[] faultCounts() {
        return new long[] {faultsBeforeRestart[0] + cloud.hooks().faults().throttledRequests(),
                faultsBeforeRestart[1] + cloud.hooks().faults().failedEntries()};
    }

    /** The function's logical id (the access key its calls are signed with) from the start of it. */
    private String functionId(String prefix) {
        return cloud.hooks().functionNames().stream().filter(name -> name.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no function " + prefix));
    }

    /** Every fault over: throttling and failing entries end, every consumer's mapping is enabled. */
    private void heal() {
        cloud.hooks().faults().clear();
        FaultPlan.CONSUMERS.forEach(consumer -> cloud.hooks().pauseConsumer(consumer, false));
    }

    /**
     * Until every consumer queue is empty (nothing visible, nothing in flight) and no function has had work for a
     * while; returns how long after the last fault ended the last invocation came.
     */
    private Duration drain(long lastFaultEnded) throws InterruptedException {
        try (SqsClient sqs = cloud.administrator(SqsClient.builder())) {
            long started = System.nanoTime();
            long deadline = started + DRAIN_LIMIT.toNanos();
            long nextReport = started + DRAIN_REPORT.toNanos();
            while (System.nanoTime() < deadline) {
                if (cloud.hooks().awaitQuiet(QUIET, DRAIN_REPORT) && consumerQueuesEmpty(sqs)) {
                    return Duration.ofNanos(Math.max(0, cloud.hooks().metering().lastInvocationNanos() - lastFaultEnded));
                }
                if (System.nanoTime() >= nextReport) { // a long drain says what it is waiting for
                    System.out.println("chaos: still draining; busy: " + cloud.hooks().busyFunctions());
                    nextReport += DRAIN_REPORT.toNanos();
                }
                Thread.sleep(QUIET.toMillis());
            }
        }
        throw new IllegalStateException("the pipeline did not drain within " + DRAIN_LIMIT.toMinutes()
                + " minutes; busy: " + cloud.hooks().busyFunctions());
    }

    private static boolean consumerQueuesEmpty(SqsClient sqs) {
        for (String url : sqs.listQueues().queueUrls()) {
            if (url.contains("ConsumerQueue")) {
                var attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
                if (!attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES).equals("0")
                        || !attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
                        .equals("0")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Waits for a point in the run's own schedule: pacing the load and the faults, not awaiting an outcome. */
    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private Settings settings() {
        long chosenSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000);
        Path root = CommandLines.repositoryRoot();
        return new Settings(chosenSeed,
                positive("--clients", clients, smoke ? 4 : 8),
                Duration.ofSeconds(positive("--seconds", seconds, smoke ? 60 : 420)),
                Duration.ofSeconds(positive("--mean-gap", meanGap, smoke ? 5 : 8)),
                cloudOptions.concurrency(spec),
                queueVisibility.duration(spec),
                cloudOptions.template(spec, root),
                out != null ? out : root.resolve(smoke ? "target/chaos" : "docs"),
                seed != null || command.contains("--seed") ? command : command + " --seed " + chosenSeed);
    }

    private int positive(String option, Integer value, int otherwise) {
        int chosen = value == null ? otherwise : value;
        if (chosen < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1");
        }
        return chosen;
    }

}
