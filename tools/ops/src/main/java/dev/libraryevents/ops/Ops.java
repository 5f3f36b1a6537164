package dev.libraryevents.ops;

import dev.libraryevents.cli.CommandLines;
import java.time.Instant;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code bin/ops}: the operator's dead-letter commands, against whatever the standard AWS settings point at
 * (AWS_ENDPOINT_URL, AWS_PROFILE or keys, AWS_REGION). A queue is named in full or by a part that only one queue's
 * name contains, e.g. {@code AuditConsumerDeadLetters} for CDK's {@code LibraryEvents-AuditConsumerDeadLetters…}.
 */
@Command(name = "ops", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Dead-letter and sign-in operations against AWS, LocalStack or the local cloud, as the standard "
                + "AWS settings say (AWS_ENDPOINT_URL, AWS_PROFILE or keys, AWS_REGION).",
        subcommands = Ops.User.class)
public final class Ops implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "Missing command: dlqs, show, redrive, purge, replay or user");
    }

    /** {@code bin/ops user add|token}: accounts in the stack's user pool, and ID tokens to call the API with. */
    @Command(name = "user", mixinStandardHelpOptions = true,
            description = "Sign-in accounts in the stack's user pool, and ID tokens for the API (docs/design.md §4a).")
    static final class User implements Runnable {

        @Spec
        CommandSpec spec;

        @Option(names = "--stack", defaultValue = "LibraryEvents",
                description = "The stack whose UserPoolId and UserPoolClientId outputs name the pool "
                        + "(default: ${DEFAULT-VALUE}).")
        String stack;

        @Override
        public void run() {
            throw new ParameterException(spec.commandLine(), "Missing command: add or token");
        }

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Creates a user who can sign in at once and prints their ID token (the password, "
                        + "when generated, goes to stderr). Then: curl -H \"Authorization: Bearer $TOKEN\" …")
        void add(@Parameters(paramLabel = "EMAIL", description = "The user's sign-in email.") String email,
                 @Option(names = "--librarian", description = "In the librarians group: may do everything.")
                 boolean librarian,
                 @Option(names = "--password", description = "Default: a new random one, printed to stderr.")
                 String password) {
            String chosen = password != null ? password : SignInAccounts.newPassword();
            withAccounts(accounts -> {
                String token = accounts.add(email, chosen, librarian);
                if (password == null) {
                    System.err.println("password for " + email + ": " + chosen);
                }
                System.out.println(token);
            });
        }

        @Command(name = "token", mixinStandardHelpOptions = true,
                description = "Signs in and prints a new ID token (they last an hour).")
        void token(@Parameters(paramLabel = "EMAIL") String email,
                   @Option(names = "--password", required = true) String password) {
            withAccounts(accounts -> System.out.println(accounts.token(email, password)));
        }

        private void withAccounts(Consumer<SignInAccounts> command) {
            try (SignInAccounts accounts = new SignInAccounts(CognitoIdentityProviderClient.create(),
                    CloudFormationClient.create(), stack)) {
                command.accept(accounts);
            } catch (SdkClientException e) {
                throw AwsSettings.explain(e);
            }
        }
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
        } catch (SdkClientException e) {
            throw AwsSettings.explain(e);
        }
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute(new Ops(), args));
    }
}
