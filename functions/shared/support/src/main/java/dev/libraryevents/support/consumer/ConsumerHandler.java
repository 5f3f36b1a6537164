package dev.libraryevents.support.consumer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.CannedEvents;
import dev.libraryevents.support.aws.JsonHandler;
import java.util.List;

/** Every consumer function's Lambda entry: an SQS batch through {@link EventConsumer} to a service's effects. */
public abstract class ConsumerHandler extends JsonHandler<SQSEvent, SQSBatchResponse> {

    private final EventConsumer consumer;
    private final EventEffects effects;
    private final BatchSummary summary;

    /** @param summary what the service publishes per batch that took effect; null for none */
    protected ConsumerHandler(EventConsumer consumer, EventEffects effects, BatchSummary summary) {
        super(SQSEvent.class);
        this.consumer = consumer;
        this.effects = effects;
        this.summary = summary;
    }

    @Override
    public final SQSBatchResponse handleRequest(SQSEvent batch, Context context) {
        return consumer.consume(batch, effects, summary);
    }

    @Override
    protected void prime() {
        consumer.prime(canned(CannedEvents.sqsBatch(CannedEvents.bookBorrowed(), EventCodec.shared())), effects,
                summary);
    }

    @Override
    protected SQSBatchResponse sampleAnswer() {
        return new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("priming")));
    }
}
