package dev.libraryevents.benchmarks;

import dev.libraryevents.cli.CommandLines;
import dev.libraryevents.localcloud.CloudOptions;
import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.template.CloudTemplate;
import dev.libraryevents.ops.SignInAccounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The benchmark: starts the local cloud from the synthesized template and measures cold starts, latency,
 * throughput and cost per workflow, then writes the report. {@code bin/benchmark} builds, synthesizes and runs it:
 *
 * <pre>
 * bin/benchmark            # the full run (about 10 minutes on two cores): docs/benchmarks.md and its charts
 * bin/benchmark --smoke    # every phase once, briefly (CI): target/benchmarks/benchmarks.md
 * </pre>
 *
 * {@code --help} lists the options.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Measures cold starts, latency, throughput and cost per workflow on the local cloud and "
                + "writes the report.")
public final class Benchmark implements Callable<Integer> {

    /** What one run measures, and how much of it. */
    record Settings(boolean smoke, Path template, Path output, int concurrency, int repeat, int workflows,
                    Duration window, List<Integer> clients, List<ColdStarts.Variant> variants,
                    List<Integer> catalogSizes, int catalogPages, String command) {}

    @Spec
    CommandSpec spec;

    @Option(names = "--smoke", description = "Every phase once, briefly (what CI runs); the report goes to "
            + "target/benchmarks/ unless --out says otherwise.")
    boolean smoke;

    @Mixin
    CloudOptions cloudOptions = new CloudOptions(4);

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: docs, or "
            + "target/benchmarks with --smoke).")
    Path out;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Cold starts per function and JVM set-up (default: 5, 1 with --smoke).")
    Integer repeat;

    @Option(names = "--workflows", paramLabel = "N",
            description = "Sequential workflows, for latency (default: 200, 5 with --smoke).")
    Integer workflows;

    @Option(names = "--catalog", paramLabel = "BOOKS", split = ",", description = "The catalog sizes at which "
            + "search and list pages are timed, in one run (default: 1000,50000; 200,400 with --smoke).")
    List<Integer> catalog;

    @Option(names = "--against", paramLabel = "REV", description = "Also start every function cold from the jars "
            + "of git revision REV (checked out and built under target/benchmarks), interleaved with this "
            + "checkout's: before/after ratios of one run.")
    String against;

    @Option(names = "--window", paramLabel = "SECONDS",
            description = "Seconds per throughput run (default: 20, 2 with --smoke).")
    Integer window;

    private final String command;

    private Benchmark(String command) {
        this.command = command;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new Benchmark("bin/benchmark" + (args.length == 0 ? ""
                : " " + String.join(" ", args))), args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = CommandLines.repositoryRoot();
        try (Revision before = against == null ? null : Revision.build(root, against)) {
            return run(root, settings(before), before);
        }
    }

    /** @param before the revision to compare with, or null */
    private int run(Path root, Settings settings, Revision before) throws Exception {
        Path work = root.resolve("target").resolve("benchmarks");
        Path logs = work.resolve("logs");
        CommandLines.deleteRecursively(logs);
        Files.createDirectories(settings.output());
        LocalCloud.Options options = new LocalCloud.Options(settings.template(), 0, 0, null, logs,
                settings.concurrency(), null);
        Path templateBefore = before == null ? null : before.cloudAssembly(settings.template());
        Report report = new Report(settings);
        try (LocalCloud cloud = LocalCloud.start(options)) {
            report.bootMillis(cloud.hooks().bootMillis());
            report.functionsJava(cloud.hooks().jdkOf(cloud.hooks().functionNames().get(0)).describe());
            LibraryClient client;
            try (SignInAccounts accounts = SignInAccounts.at(cloud.awsEndpoint(), cloud.stackName())) {
                // A librarian may call every route the workflows use; tokens last an hour, longer than a full run.
                client = new LibraryClient(cloud.apiUrl(), accounts.add("benchmark-librarian@example.org",
                        SignInAccounts.newPassword(), true));
            }
            warmUp(cloud, client);

            System.out.println("cold starts ...");
            List<String> functions = new ArrayList<>();
            for (String function : cloud.hooks().functionNames()) {
                if (cloud.hooks().firstPayload(function) != null) {
                    functions.add(function);
                }
            }
            report.coldStarts(new ColdStarts(cloud, root, work.resolve("cds"))
                    .measure(functions, settings.variants(), settings.repeat()));

            System.out.println("latency: " + settings.workflows() + " sequential workflows ...");
            report.latency(new Latency(cloud, client).measure(settings.workflows()));

            Throughput throughput = new Throughput(cloud, client);
            List<Throughput.Run> runs = new ArrayList<>();
            for (int clients : settings.clients()) {
                System.out.println("throughput: " + clients + " clients for " + settings.window().toSeconds()
                        + " s ...");
                runs.add(throughput.measure(clients, settings.window()));
            }
            report.throughput(runs, cloud.hooks().metering().memoryMb());
            int most = settings.clients().get(settings.clients().size() - 1);
            System.out.println("throughput without Idempotency-Key: " + most + " clients for "
                    + settings.window().toSeconds() + " s ...");
            report.throughputWithoutKeys(new Throughput(cloud, client.withoutKeys()).measure(most, settings.window()));

            System.out.println("holds: " + settings.workflows() + " hold → ready → borrow workflows ...");
            report.holds(new HoldWorkflows(cloud, client).measure(settings.workflows()));
            System.out.println("catalog at " + settings.catalogSizes() + " books ...");
            report.catalog(new CatalogScale(cloud, client).measure(settings.catalogSizes(), settings.catalogPages()));
        }
        if (before != null) {
            int clients = settings.clients().get(settings.clients().size() - 1);
            System.out.println("throughput of " + before.name() + "'s code: " + clients + " clients for "
                    + settings.window().toSeconds() + " s ...");
            report.throughputBefore(before, throughputOf(templateBefore, settings, logs, clients));
        }
        Path written = report.write(settings.output());
        System.out.println("written: " + root.relativize(written.toAbsolutePath()));
        return 0; // main exits: ElasticMQ's actor system and DynamoDB Local's server may linger after their stop
    }

    /** A throughput run, and what it cost, on a local cloud of its own started from {@code template}. */
    private static Throughput.Run throughputOf(Path template, Settings settings, Path logs, int clients)
            throws Exception {
        LocalCloud.Options options = new LocalCloud.Options(template, 0, 0, null, logs.resolveSibling("logs-before"),
                settings.concurrency(), null);
        try (LocalCloud cloud = LocalCloud.start(options);
             SignInAccounts accounts = SignInAccounts.at(cloud.awsEndpoint(), cloud.stackName())) {
            LibraryClient client = new LibraryClient(cloud.apiUrl(), accounts.add("benchmark-librarian@example.org",
                    SignInAccounts.newPassword(), true));
            return new Throughput(cloud, client).measure(clients, settings.window());
        }
    }

    /**
     * Every function invoked once with real work, so that each has a first payload to start cold with: a book, a
     * user, a borrowing and its return, the three read APIs, and the reminder schedule.
     */
    private static void warmUp(LocalCloud cloud, LibraryClient client) throws Exception {
        System.out.println("warm-up ...");
        String bookId = client.addBook(3);
        String userId = client.registerUser();
        String borrowingId = client.borrow(userId, bookId).field("borrowingId");
        cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(5));
        client.borrowConfirmationReadable(userId);
        client.borrowingsReported();
        client.auditRowReadable(borrowingId);
        client.giveBack(borrowingId);
        cloud.hooks().fireSchedule("DailyReminders");
        cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(5));
    }

    /** @param before the revision to compare with, or null */
    private Settings settings(Revision before) {
        int repeats = positive("--repeat", repeat, smoke ? 1 : 5);
        int sequential = positive("--workflows", workflows, smoke ? 5 : 200);
        int seconds = positive("--window", window, smoke ? 2 : 20);
        int environments = cloudOptions.concurrency(spec);
        Path root = CommandLines.repositoryRoot();
        Path template = cloudOptions.template(spec, root);
        return new Settings(smoke,
                template,
                out != null ? out : root.resolve(smoke ? "target/benchmarks" : "docs"),
                environments, repeats, sequential, Duration.ofSeconds(seconds), List.of(1, 4, 16),
                variants(before, template), catalogSizes(), smoke ? 10 : 200, command);
    }

    /** Growing sizes, each a positive number of books. */
    private List<Integer> catalogSizes() {
        List<Integer> sizes = catalog != null ? catalog : smoke ? List.of(200, 400) : List.of(1_000, 50_000);
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i) < CatalogScale.SMALLEST || (i > 0 && sizes.get(i) <= sizes.get(i - 1))) {
                throw new ParameterException(spec.commandLine(), "--catalog takes growing sizes of at least "
                        + CatalogScale.SMALLEST + " books (a full search page for each word)");
            }
        }
        return List.copyOf(sizes);
    }

    private List<ColdStarts.Variant> variants(Revision before, Path template) {
        List<ColdStarts.Variant> variants = new ArrayList<>(ColdStarts.VARIANTS);
        if (smoke) { // Lambda's flags, with and without SnapStart's priming
            variants.removeIf(v -> !v.name().startsWith("lambda") || v.classDataSharing());
        }
        // Lambda's other current Java runtime beside the template's, to choose the faster (docs/performance.md).
        variants.add(ColdStarts.Variant.onRuntime(ColdStarts.otherRuntime(functionRuntime(template))));
        if (before != null) {
            variants.add(ColdStarts.Variant.before(before));
        }
        return variants;
    }

    /** The runtime the template's functions name (they all name one); "" before it is synthesized. */
    private static String functionRuntime(Path template) {
        if (!Files.exists(template)) {
            return "";
        }
        try {
            return CloudTemplate.read(template).ofType("AWS::Lambda::Function").values().stream()
                    .map(properties -> properties.path("Runtime").asText()).findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template, e);
        }
    }

    private int positive(String option, Integer value, int otherwise) {
        int chosen = value == null ? otherwise : value;
        if (chosen < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1");
        }
        return chosen;
    }
}
