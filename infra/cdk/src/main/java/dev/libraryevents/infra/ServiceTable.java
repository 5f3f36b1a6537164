package dev.libraryevents.infra;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.FilterRule;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * A service's table and its outbox relay: on-demand, point-in-time recovery, deletion protection, a NEW_IMAGE
 * stream whose outbox inserts (and nothing else) trigger the relay; a record the relay cannot publish after its
 * retries goes to an on-failure queue, alarmed, instead of blocking the shard.
 */
public final class ServiceTable extends Construct {

    /**
     * What a service's table is made of. Built with {@link #builder()}: every property is named where it is set.
     *
     * @param source         the only {@code Source} the relay may put on the bus: the service's own
     * @param indexes        global secondary indexes, each keyed by the string attributes {@code <name>Pk},
     *                       {@code <name>Sk}, projecting every attribute
     * @param keysOnlyIndexes the same, projecting only the keys: a row's changes to anything else write nothing
     *                       to them (a list reads the rows they name)
     * @param rowsExpire     whether rows carrying {@code expiresAt} are removed by TTL (never for the audit log)
     */
    public record Props(EventBus bus, String source, Code code, List<String> indexes, List<String> keysOnlyIndexes,
                        boolean rowsExpire, boolean deletionProtection, Monitoring monitoring) {
        public Props {
            Objects.requireNonNull(bus, "bus");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(monitoring, "monitoring");
            indexes = List.copyOf(indexes);
            keysOnlyIndexes = List.copyOf(keysOnlyIndexes);
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Props by name; by default no indexes, rows expire, and the table is protected from deletion. */
        public static final class Builder {
            private EventBus bus;
            private String source;
            private Code code;
            private List<String> indexes = List.of();
            private List<String> keysOnlyIndexes = List.of();
            private boolean rowsExpire = true;
            private boolean deletionProtection = true;
            private Monitoring monitoring;

            private Builder() {}

            /** The bus the table's relay publishes to, as {@code source}. */
            public Builder publishesTo(EventBus bus, String source) {
                this.bus = bus;
                this.source = source;
                return this;
            }

            /** The service's jar, whose relay handler the stream triggers. */
            public Builder code(Code code) {
                this.code = code;
                return this;
            }

            public Builder indexes(String... indexes) {
                this.indexes = List.of(indexes);
                return this;
            }

            public Builder keysOnlyIndexes(List<String> indexes) {
                this.keysOnlyIndexes = List.copyOf(indexes);
                return this;
            }

            /** Rows are kept for ever, TTL or not: the audit log forgets nothing. */
            public Builder rowsNeverExpire() {
                this.rowsExpire = false;
                return this;
            }

            public Builder deletionProtection(boolean deletionProtection) {
                this.deletionProtection = deletionProtection;
                return this;
            }

            public Builder monitoring(Monitoring monitoring) {
                this.monitoring = monitoring;
                return this;
            }

            public Props build() {
                return new Props(bus, source, code, indexes, keysOnlyIndexes, rowsExpire, deletionProtection,
                        monitoring);
            }
        }
    }

    private final Table table;
    private final Alias relay;

    public ServiceTable(Construct scope, String id, Props props) {
        super(scope, id);
        table = Table.Builder.create(this, "Table")
                .partitionKey(Attribute.builder().name("pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("sk").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .stream(StreamViewType.NEW_IMAGE)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(props.deletionProtection())
                .removalPolicy(props.deletionProtection() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .timeToLiveAttribute(props.rowsExpire() ? "expiresAt" : null)
                .build();
        for (String index : props.indexes()) {
            addIndex(index, ProjectionType.ALL);
        }
        for (String index : props.keysOnlyIndexes()) {
            addIndex(index, ProjectionType.KEYS_ONLY);
        }

        Queue failed = Queue.Builder.create(this, "RelayFailures")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        relay = ServiceFunction.create(this, "OutboxRelay", props.code(),
                "dev.libraryevents.support.outbox.OutboxRelayHandler", Sizing.RELAY,
                Map.of("EVENT_BUS_NAME", props.bus().getEventBusName(), "EVENT_SOURCE", props.source()));
        // The relay speaks for its service alone: its role, and the bus's own policy, allow PutEvents only with the
        // service's source, so no service (nor anyone holding its credentials) can publish as another.
        PolicyStatement.Builder ownSource = PolicyStatement.Builder.create()
                .actions(List.of("events:PutEvents"))
                .resources(List.of(props.bus().getEventBusArn()))
                .conditions(Map.of("StringEquals", Map.of("events:source", props.source())));
        relay.addToRolePolicy(ownSource.build());
        props.bus().addToResourcePolicy(ownSource.sid(id + "RelayPutsOnly" + id + "Events")
                .principals(List.of(new ArnPrincipal(relay.getRole().getRoleArn()))).build());
        relay.addEventSource(DynamoEventSource.Builder.create(table)
                .startingPosition(StartingPosition.TRIM_HORIZON)
                .batchSize(100)
                .maxBatchingWindow(Duration.millis(0))
                .retryAttempts(5)
                .bisectBatchOnError(true)
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(failed))
                .filters(List.of(FilterCriteria.filter(Map.of(
                        "eventName", FilterRule.isEqual("INSERT"),
                        "dynamodb", Map.of("Keys", Map.of("pk", Map.of("S", FilterRule.beginsWith("OUTBOX#"))))))))
                .build());
        props.monitoring().function(id + " relay", ServiceFunction.functionOf(relay));
        props.monitoring().deadLetters(id + "RelayFailures", failed);
    }

    private void addIndex(String index, ProjectionType projection) {
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(index)
                .partitionKey(Attribute.builder().name(index + "Pk").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(index + "Sk").type(AttributeType.STRING).build())
                .projectionType(projection)
                .build());
    }

    public Table table() {
        return table;
    }

    public Alias relay() {
        return relay;
    }
}
