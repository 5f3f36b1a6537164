package dev.libraryevents.infra;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SqsQueue;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * One consumer of the bus (docs/design.md §1): a rule with its pattern, a queue with a dead-letter queue after 3
 * receives, the consumer function reading the queue in batches and reporting failed items alone, and an alarm on the
 * DLQ.
 */
public final class ConsumerPipeline extends Construct {

    public static final int MAX_RECEIVE_COUNT = 3;
    /** Lambda's advice for SQS sources: a message stays invisible while up to six attempts of a batch may run. */
    public static final int VISIBILITY_TIMEOUT_FACTOR = 6;

    /**
     * How the queue's messages are handed to the function. Lambda invokes as soon as a receive returns messages
     * unless there is a window: then it keeps gathering until the batch is full or the window has passed. A window
     * buys fewer invocations, and fewer per-batch writes (summaries, transactions), with up to its length in latency.
     *
     * @param windowSeconds 0 to invoke at once; a batch of more than 10 needs a window (Lambda's rule)
     */
    public record Batching(int size, int windowSeconds) {
        /** Invoke with what one receive returns: the least latency, for effects somebody waits to read. */
        public static final Batching PROMPT = new Batching(10, 0);
        /** Gather for a second, up to 100 messages: for effects nobody waits on, where batches save writes. */
        public static final Batching GATHERED = new Batching(100, 1);

        public Batching {
            if (windowSeconds < 0 || windowSeconds > 300) {
                throw new IllegalArgumentException("a batching window is 0 to 300 s, was " + windowSeconds);
            }
            int largest = windowSeconds == 0 ? 10 : 10_000;
            if (size < 1 || size > largest) {
                throw new IllegalArgumentException("batch size must be 1 to " + largest + " with a window of "
                        + windowSeconds + " s, was " + size);
            }
        }
    }

    /**
     * What a consumer is made of. Built with {@link #builder()}: every property is named where it is set.
     *
     * @param tableActions the DynamoDB actions the consumer needs on its own table, and no more
     */
    public record Props(IEventBus bus, EventPattern pattern, Code code, String handler, ITable table,
                        List<String> tableActions, Map<String, String> environment, Batching batching,
                        Monitoring monitoring) {
        public Props {
            Objects.requireNonNull(bus, "bus");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(handler, "handler");
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(batching, "batching");
            Objects.requireNonNull(monitoring, "monitoring");
            if (tableActions == null || tableActions.isEmpty()) {
                throw new IllegalArgumentException("a consumer records its effects: name its table actions");
            }
            environment = environment == null ? Map.of() : Map.copyOf(environment);
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Props by name; {@code batching} defaults to {@link Batching#PROMPT}. */
        public static final class Builder {
            private IEventBus bus;
            private EventPattern pattern;
            private Code code;
            private String handler;
            private ITable table;
            private List<String> tableActions;
            private Map<String, String> environment = Map.of();
            private Batching batching = Batching.PROMPT;
            private Monitoring monitoring;

            private Builder() {}

            /** The bus the consumer's rule listens on. */
            public Builder bus(IEventBus bus) {
                this.bus = bus;
                return this;
            }

            /** Which events the rule sends to the consumer's queue. */
            public Builder pattern(EventPattern pattern) {
                this.pattern = pattern;
                return this;
            }

            /** The service's jar, and the handler in it that consumes the queue. */
            public Builder handler(Code code, String handler) {
                this.code = code;
                this.handler = handler;
                return this;
            }

            /** The service's own table, and the only actions the consumer may take on it. */
            public Builder table(ITable table, String... actions) {
                this.table = table;
                this.tableActions = List.of(actions);
                return this;
            }

            public Builder environment(Map<String, String> environment) {
                this.environment = environment;
                return this;
            }

            public Builder batching(Batching batching) {
                this.batching = batching;
                return this;
            }

            /** Where the queue, its dead letters, the function and the rule are watched. */
            public Builder monitoring(Monitoring monitoring) {
                this.monitoring = monitoring;
                return this;
            }

            public Props build() {
                return new Props(bus, pattern, code, handler, table, tableActions, environment, batching, monitoring);
            }
        }
    }

    private final Queue queue;
    private final Queue deadLetters;
    private final Alias function;
    private final Rule rule;

    public ConsumerPipeline(Construct scope, String id, Props props) {
        super(scope, id);
        function = ServiceFunction.create(this, "Function", props.code(), props.handler(), Sizing.CONSUMER,
                props.environment());
        deadLetters = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(
                        Sizing.CONSUMER.timeout().toSeconds().intValue() * VISIBILITY_TIMEOUT_FACTOR))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVE_COUNT)
                        .build())
                .build();
        rule = Rule.Builder.create(this, "Rule")
                .eventBus(props.bus())
                .eventPattern(props.pattern())
                .description("Events for the " + id + " consumer")
                .targets(List.of(new SqsQueue(queue)))
                .build();
        function.addEventSource(SqsEventSource.Builder.create(queue)
                .batchSize(props.batching().size())
                .maxBatchingWindow(Duration.seconds(props.batching().windowSeconds()))
                .reportBatchItemFailures(true)
                .build());
        props.table().grant(function, props.tableActions().toArray(String[]::new));

        props.monitoring().queue(id, queue);
        props.monitoring().deadLetters(id + "DeadLetters", deadLetters);
        props.monitoring().function(id, ServiceFunction.functionOf(function));
        props.monitoring().rule(id, rule);
    }

    public Queue queue() {
        return queue;
    }

    public Queue deadLetters() {
        return deadLetters;
    }

    /** The consumer's live alias, which its queue's event source mapping invokes. */
    public Alias function() {
        return function;
    }

    public Rule rule() {
        return rule;
    }
}
