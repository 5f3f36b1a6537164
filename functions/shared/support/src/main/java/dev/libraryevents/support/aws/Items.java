package dev.libraryevents.support.aws;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The key every table here shares, a string partition key {@code pk} and a string sort key {@code sk}, and the
 * attribute values written most. Each service's items class documents its own key layout on top of this.
 */
public final class Items {

    public static final String PARTITION_KEY = "pk";
    public static final String SORT_KEY = "sk";

    private Items() {}

    public static Map<String, AttributeValue> key(String partition, String sort) {
        return Map.of(PARTITION_KEY, s(partition), SORT_KEY, s(sort));
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Epoch seconds, the form DynamoDB's TTL reads. */
    public static AttributeValue epochSeconds(Instant instant) {
        return n(instant.getEpochSecond());
    }
}
