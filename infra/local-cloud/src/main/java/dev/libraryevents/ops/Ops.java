package dev.libraryevents.ops;

import dev.libraryevents.localcloud.CommandLines;
import java.time.Instant;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code bin/ops}: the operator's dead-letter commands, against whatever the standard AWS settings point at
 * (AWS_ENDPOINT_URL, AWS_PROFILE or keys, AWS_REGION). A queue is named in full or by a part that only one queue's
 * name contains, e.g. {@code AuditConsumerDeadLetters} for CDK's {@code LibraryEvents-AuditConsumerDeadLetters…}.
 */
@Command(name = "ops", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Dead-letter operations against AWS, LocalStack or the local cloud, as the standard AWS "
                + "settings say (AWS_ENDPOINT_URL, AWS_PROFILE or keys, AWS_REGION).")
public final class Ops implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: dlqs, show, redrive, purge or replay");
    }

    @Command(name = "dlqs", mixinStandardHelpOptions = true,
            description = "Every dead-letter queue, its depth, and the queues it takes failures from.")
    void dlqs() {
        withDeadLetters(deadLetters -> deadLetters.list().forEach(dlq -> System.out.printf("%-60s %6d  from %s%n",
                dlq.name(), dlq.depth(), String.join(", ", dlq.sources()))));
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Up to ten messages of a queue, left in it: event type, event id, correlation id, "
                    + "receive count, first received.")
    void show(@Parameters(paramLabel = "QUEUE", description = "The queue's name, or a part of it.") String queue) {
        withDeadLetters(deadLetters -> deadLetters.show(queue).forEach(letter -> System.out.printf(
                "%s  %-16s event %s  correlation %s  received %d times, first %s%n", letter.messageId(),
                letter.eventType(), letter.eventId(), letter.correlationId(), letter.receiveCount(),
                letter.firstReceived())));
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Moves every message of a dead-letter queue back to its source queue "
                    + "(SQS StartMessageMoveTask).")
    void redrive(@Parameters(paramLabel = "DLQ", description = "The DLQ's name, or a part of it.") String queue) {
        withDeadLetters(deadLetters -> System.out.println("move task " + deadLetters.redrive(queue)));
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Deletes every message of a queue.")
    void purge(@Parameters(paramLabel = "QUEUE", description = "The queue's name, or a part of it.") String queue) {
        withDeadLetters(deadLetters -> System.out.println("purged " + deadLetters.purge(queue)));
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Puts the bus archive's events of a time range on the bus again (EventBridge StartReplay).")
    void replay(@Parameters(index = "0", paramLabel = "FROM", description = "ISO-8601 instant, e.g. "
                        + "2026-11-22T10:00:00Z.") Instant from,
                @Parameters(index = "1", paramLabel = "TO", description = "ISO-8601 instant.") Instant to,
                @Parameters(index = "2", paramLabel = "BUS", arity = "0..1", defaultValue = "library-events",
                        description = "The bus (default: ${DEFAULT-VALUE}).") String bus) {
        if (!from.isBefore(to)) {
            throw new ParameterException(spec.commandLine(), "FROM must be before TO");
        }
        withDeadLetters(deadLetters -> System.out.println(deadLetters.replay(bus, from, to)));
    }

    private static void withDeadLetters(Consumer<DeadLetters> command) {
        try (SqsClient sqs = SqsClient.create(); EventBridgeClient eventBridge = EventBridgeClient.create()) {
            command.accept(new DeadLetters(sqs, eventBridge));
        }
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new Ops(), args));
    }
}
