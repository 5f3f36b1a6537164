package dev.libraryevents.localcloud;

import dev.libraryevents.cli.CommandLines;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/local-cloud}: starts the local cloud from a synthesized template, prints where to reach it and a ready
 * line, and runs until interrupted (Ctrl-C stops everything, function JVMs included).
 */
@Command(name = "local-cloud", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Runs the synthesized stack on this machine without Docker.")
public final class LocalCloudCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--template", paramLabel = "FILE", defaultValue = "cdk.out/LibraryEvents.template.json",
            description = "The synthesized template (default: ${DEFAULT-VALUE}).")
    Path template;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "3000",
            description = "The REST API's port (default: ${DEFAULT-VALUE}; 0 for any free one).")
    int apiPort;

    @Option(names = "--aws-port", paramLabel = "PORT", defaultValue = "4566",
            description = "The AWS endpoint's port, for AWS_ENDPOINT_URL (default: ${DEFAULT-VALUE}).")
    int awsPort;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = LocalCloud.LOOPBACK,
            description = "Where the API and the AWS endpoint listen (default: ${DEFAULT-VALUE}; 0.0.0.0 for every "
                    + "interface). Everything else listens on loopback only.")
    String host;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep tables, the bus archive, stream positions and queued messages here across restarts "
                    + "(default: in memory).")
    Path dataDirectory;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "2",
            description = "Environments per function, and batches in flight per SQS mapping (default: "
                    + "${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--queue-visibility", paramLabel = "SECONDS",
            description = "Every queue's visibility timeout, instead of the template's: a failing message reaches "
                    + "its DLQ after 3 receives in seconds rather than minutes (for demos and CI scenarios).")
    Integer queueVisibility;

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be at least 1");
        }
        if (queueVisibility != null && (queueVisibility < 0 || queueVisibility > 43_200)) {
            throw new ParameterException(spec.commandLine(), "--queue-visibility must be 0 to 43200 seconds");
        }
        if (!Files.isRegularFile(template)) {
            throw new ParameterException(spec.commandLine(), "no template at " + template
                    + ": synthesize the stack first (npx cdk synth)");
        }
        Path logs = dataDirectory == null ? Path.of("target", "local-cloud-logs") : dataDirectory.resolve("logs");
        LocalCloud cloud = LocalCloud.start(new LocalCloud.Options(template, apiPort, awsPort, dataDirectory, logs,
                concurrency, queueVisibility == null ? null : Duration.ofSeconds(queueVisibility), host));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            stopped.countDown();
        }));
        System.out.println("API:          " + cloud.apiUrl());
        System.out.println("AWS endpoint: " + cloud.awsEndpoint() + "   (AWS_ENDPOINT_URL; any credentials, region "
                + CloudTemplate.REGION + ")");
        cloud.userPools().forEach((pool, clients) -> System.out.println("User pool:    " + pool + "   app client "
                + String.join(", ", clients) + "   (a user and an ID token: bin/ops user add EMAIL [--librarian])"));
        System.out.println("Console:      " + cloud.consoleUrl());
        System.out.println("Logs:         " + logs.toAbsolutePath());
        System.out.println("Local cloud ready in " + cloud.hooks().bootMillis() + " ms. Ctrl-C stops it.");
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new LocalCloudCommand(), args));
    }
}
