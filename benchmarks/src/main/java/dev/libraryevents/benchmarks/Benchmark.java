package dev.libraryevents.benchmarks;

import dev.libraryevents.localcloud.LocalCloud;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark: starts the local cloud from the synthesized template and measures cold starts, latency,
 * throughput and cost per workflow, then writes the report. {@code bin/benchmark} builds, synthesizes and runs it:
 *
 * <pre>
 * bin/benchmark            # the full run (about 10 minutes on two cores): docs/benchmarks.md and its charts
 * bin/benchmark --smoke    # every phase once, briefly (CI): target/benchmarks/benchmarks.md
 * </pre>
 *
 * Options: {@code --template cdk.out/LibraryEvents.template.json}, {@code --out DIR}, {@code --concurrency 4}
 * (environments per function), {@code --repeat 5} (cold starts per function and JVM set-up),
 * {@code --workflows 200} (sequential, for latency), {@code --window 20} (seconds per throughput run).
 */
public final class Benchmark {

    /** What one run measures, and how much of it. */
    record Settings(boolean smoke, Path template, Path output, int concurrency, int repeat, int workflows,
                    Duration window, List<Integer> clients, List<ColdStarts.Variant> variants, String command) {}

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        Settings settings = settings(args);
        Path root = repositoryRoot();
        Path work = root.resolve("target").resolve("benchmarks");
        Path logs = work.resolve("logs");
        deleteRecursively(logs);
        Files.createDirectories(settings.output());
        LocalCloud.Options options = new LocalCloud.Options(settings.template(), 0, 0, null, logs,
                settings.concurrency(), null);
        Report report = new Report(settings);
        try (LocalCloud cloud = LocalCloud.start(options)) {
            report.bootMillis(cloud.bootMillis());
            LibraryClient client = new LibraryClient(cloud.apiUrl());
            warmUp(cloud, client);

            System.out.println("cold starts ...");
            List<String> functions = new ArrayList<>();
            for (String function : cloud.functionNames()) {
                if (cloud.firstPayload(function) != null) {
                    functions.add(function);
                }
            }
            Path baselineJar = root.resolve("functions/baseline/target/baseline-lambda.jar");
            report.coldStarts(new ColdStarts(cloud, baselineJar, work.resolve("cds"))
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
            report.throughput(runs, cloud.metering().memoryMb());
        }
        Path written = report.write(settings.output());
        System.out.println("written: " + root.relativize(written.toAbsolutePath()));
        System.exit(0); // ElasticMQ's actor system and DynamoDB Local's server may linger after their stop
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
        cloud.awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(5));
        client.borrowConfirmationReadable(userId);
        client.borrowingsReported();
        client.auditRowReadable(borrowingId);
        client.giveBack(borrowingId);
        cloud.fireSchedule("DailyReminders");
        cloud.awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(5));
    }

    private static Settings settings(String[] args) {
        Map<String, String> flags = new HashMap<>();
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--smoke")) {
                smoke = true;
            } else if (i + 1 < args.length) {
                flags.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("no value for " + args[i]);
            }
        }
        Path root = repositoryRoot();
        return new Settings(smoke,
                Path.of(flags.getOrDefault("--template", root.resolve("cdk.out/LibraryEvents.template.json")
                        .toString())),
                Path.of(flags.getOrDefault("--out", root.resolve(smoke ? "target/benchmarks" : "docs").toString())),
                Integer.parseInt(flags.getOrDefault("--concurrency", "4")),
                Integer.parseInt(flags.getOrDefault("--repeat", smoke ? "1" : "5")),
                Integer.parseInt(flags.getOrDefault("--workflows", smoke ? "5" : "200")),
                Duration.ofSeconds(Long.parseLong(flags.getOrDefault("--window", smoke ? "2" : "20"))),
                List.of(1, 4, 16),
                smoke ? List.of(ColdStarts.VARIANTS.get(1)) : ColdStarts.VARIANTS,
                "bin/benchmark" + (args.length == 0 ? "" : " " + String.join(" ", args)));
    }

    /** The checkout's root (where cdk.json is), from wherever the benchmark was started. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("cdk.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no cdk.json above " + Path.of("").toAbsolutePath());
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
