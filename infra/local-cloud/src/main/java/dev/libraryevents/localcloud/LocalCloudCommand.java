package dev.libraryevents.localcloud;

import dev.libraryevents.cli.CommandLines;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Mixin
    CloudOptions cloudOptions = new CloudOptions(2);

    @Mixin
    CloudOptions.QueueVisibility queueVisibility = new CloudOptions.QueueVisibility(null);

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

    @Override
    public Integer call() throws Exception {
        Path template = cloudOptions.template(spec, Path.of(""));
        int concurrency = cloudOptions.concurrency(spec);
        Duration visibility = queueVisibility.duration(spec);
        Path logs = dataDirectory == null ? Path.of("target", "local-cloud-logs") : dataDirectory.resolve("logs");
        LocalCloud cloud = LocalCloud.start(new LocalCloud.Options(template, apiPort, awsPort, dataDirectory, logs,
                concurrency, visibility, host));
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
