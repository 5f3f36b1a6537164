package dev.libraryevents.ops;

import java.time.Instant;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code bin/ops dlqs | show QUEUE | redrive DLQ | purge QUEUE | replay FROM TO}: the operator's commands, against
 * whatever the standard AWS settings point at (AWS_ENDPOINT_URL, AWS_PROFILE or keys, AWS_REGION).
 */
public final class Ops {

    private Ops() {}

    public static void main(String[] args) {
        if (args.length == 0) {
            usage();
            return;
        }
        try (SqsClient sqs = SqsClient.create(); EventBridgeClient eventBridge = EventBridgeClient.create()) {
            DeadLetters deadLetters = new DeadLetters(sqs, eventBridge);
            switch (args[0]) {
                case "dlqs" -> deadLetters.list().forEach(dlq -> System.out.printf("%-60s %6d  from %s%n",
                        dlq.name(), dlq.depth(), String.join(", ", dlq.sources())));
                case "show" -> deadLetters.show(args[1]).forEach(letter -> System.out.printf(
                        "%s  %-16s event %s  correlation %s  received %d times, first %s%n", letter.messageId(),
                        letter.eventType(), letter.eventId(), letter.correlationId(), letter.receiveCount(),
                        letter.firstReceived()));
                case "redrive" -> System.out.println("move task " + deadLetters.redrive(args[1]));
                case "purge" -> {
                    deadLetters.purge(args[1]);
                    System.out.println("purged " + args[1]);
                }
                case "replay" -> System.out.println(deadLetters.replay(args.length > 3 ? args[3] : "library-events",
                        Instant.parse(args[1]), Instant.parse(args[2])));
                default -> usage();
            }
        }
    }

    private static void usage() {
        System.out.println("usage: ops dlqs | show QUEUE | redrive DLQ | purge QUEUE | replay FROM TO [BUS]");
    }
}
