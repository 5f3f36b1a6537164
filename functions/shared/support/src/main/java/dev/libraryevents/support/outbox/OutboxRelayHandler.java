package dev.libraryevents.support.outbox;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.CannedEvents;
import dev.libraryevents.support.aws.JsonHandler;
import java.time.Duration;
import java.util.List;

/**
 * The one relay every service's table uses: its stream triggers this function, which puts the outbox rows on the
 * bus named by {@code EVENT_BUS_NAME}. The event source mapping must report batch item failures.
 */
public class OutboxRelayHandler extends JsonHandler<DynamodbEvent, StreamsEventResponse> {

    private final OutboxRelay relay;
    private final String source;

    public OutboxRelayHandler() {
        this(new OutboxRelay(AwsClients.eventBridge(), AwsClients.requiredEnv("EVENT_BUS_NAME"),
                EventCodec.shared(), 4, Duration.ofMillis(100)), AwsClients.requiredEnv("EVENT_SOURCE"));
    }

    /** @param source the service's own event source, the only one its relay may put on the bus */
    public OutboxRelayHandler(OutboxRelay relay, String source) {
        super(DynamodbEvent.class);
        this.relay = relay;
        this.source = source;
    }

    @Override
    protected void prime() {
        relay.prime(canned(CannedEvents.streamBatch(CannedEvents.bookBorrowed(), EventCodec.shared())).getRecords(),
                source);
    }

    @Override
    protected StreamsEventResponse sampleAnswer() {
        return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure("priming")));
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return relay.relay(event.getRecords());
    }
}
