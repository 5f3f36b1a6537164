package dev.libraryevents.library;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.aws.JsonHandler;
import java.util.Map;

/**
 * Lambda entry point of {@code library-hold-expiry}, fired every minute by a schedule rule (docs/design.md §4d): the
 * READY holds whose pickup window has ended expire, and their copies pass on. A sweep that fails is retried by the
 * rule, then kept in its dead-letter queue; a sweep that repeats one finds it closed and skips it. Needs TABLE_NAME
 * and HOLD_PICKUP_WINDOW.
 */
public class HoldExpiryHandler extends JsonHandler<JsonNode, Map<String, Integer>> {

    private final Holds holds;

    public HoldExpiryHandler() {
        this(Wiring.holds(AwsClients.dynamoDb()));
    }

    public HoldExpiryHandler(Holds holds) {
        super(JsonNode.class);
        this.holds = holds;
    }

    @Override
    protected Map<String, Integer> sampleAnswer() {
        return Map.of("expired", 0);
    }

    @Override
    public Map<String, Integer> handleRequest(JsonNode scheduledEvent, Context context) {
        return Map.of("expired", holds.expireDue());
    }
}
