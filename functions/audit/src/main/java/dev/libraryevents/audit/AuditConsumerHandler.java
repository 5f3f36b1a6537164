package dev.libraryevents.audit;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.libraryevents.audit.store.AuditLog;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import dev.libraryevents.support.consumer.EventConsumer;

/** Lambda entry point of {@code audit-consumer}: appends every event to the audit log, one AuditLogged per batch. */
public class AuditConsumerHandler extends JsonHandler<SQSEvent, SQSBatchResponse> {

    private final EventConsumer consumer;
    private final AuditLog log;

    public AuditConsumerHandler() {
        this(EventConsumer.forFunctionTable(AwsClients.dynamoDb()), Wiring.log());
    }

    public AuditConsumerHandler(EventConsumer consumer, AuditLog log) {
        super(SQSEvent.class);
        this.consumer = consumer;
        this.log = log;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent batch, Context context) {
        return consumer.consume(batch, log, log);
    }
}
