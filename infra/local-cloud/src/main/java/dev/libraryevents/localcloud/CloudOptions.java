package dev.libraryevents.localcloud;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every command that starts a local cloud takes ({@code bin/local-cloud}, {@code bin/benchmark},
 * {@code bin/chaos}), as one picocli mixin: which template, and how many environments per function. A command
 * sets its own default concurrency by the instance it mixes in.
 */
public final class CloudOptions {

    public static final String DEFAULT_TEMPLATE = "cdk.out/LibraryEvents.template.json";

    @Option(names = "--template", paramLabel = "FILE",
            description = "The synthesized template (default: " + DEFAULT_TEMPLATE + ").")
    private Path template;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Environments per function, and batches in flight per SQS mapping (default: "
                    + "${DEFAULT-VALUE}).")
    private int concurrency;

    public CloudOptions(int defaultConcurrency) {
        this.concurrency = defaultConcurrency;
    }

    /** The template to start, given or the synthesized one under {@code root}; refused when there is none. */
    public Path template(CommandSpec spec, Path root) {
        Path chosen = template != null ? template : root.resolve(DEFAULT_TEMPLATE);
        if (!Files.isRegularFile(chosen)) {
            throw new ParameterException(spec.commandLine(), "no template at " + chosen
                    + ": synthesize the stack first (npx cdk synth)");
        }
        return chosen;
    }

    public int concurrency(CommandSpec spec) {
        if (concurrency < 1) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be at least 1");
        }
        return concurrency;
    }

    /** {@code --queue-visibility}, for the commands that let a failing message come back within seconds. */
    public static final class QueueVisibility {

        @Option(names = "--queue-visibility", paramLabel = "SECONDS",
                description = "Every queue's visibility timeout instead of the template's, so that a failing "
                        + "message is received again, and reaches its DLQ after 3 receives, in seconds rather "
                        + "than minutes (default: the template's; 10 for bin/chaos).")
        private Integer seconds;

        public QueueVisibility(Integer defaultSeconds) {
            this.seconds = defaultSeconds;
        }

        /** The timeout to impose, or null for the template's own. */
        public Duration duration(CommandSpec spec) {
            if (seconds == null) {
                return null;
            }
            if (seconds < 0 || seconds > 43_200) {
                throw new ParameterException(spec.commandLine(), "--queue-visibility must be 0 to 43200 seconds");
            }
            return Duration.ofSeconds(seconds);
        }
    }
}
