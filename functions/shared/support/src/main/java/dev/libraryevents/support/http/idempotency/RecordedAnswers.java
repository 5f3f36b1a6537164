package dev.libraryevents.support.http.idempotency;

import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.aws.CompressedText;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.http.ApiResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The answers keyed writes gave (docs/design.md §4e), one row per key in the service's own table, so that a row can
 * join the transaction of the change it answers. A row holds what a replay needs and no more: the request's
 * fingerprint, the status, the {@code Location} and the body, compressed; it expires after {@link #KEPT} (TTL on
 * {@code expiresAt}; a row past it is treated as gone even before TTL removes it).
 */
public final class RecordedAnswers {

    public static final Duration KEPT = Duration.ofHours(24);
    private static final String PREFIX = "ANSWER#";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Clock clock;

    public RecordedAnswers(DynamoDbClient dynamoDb, String tableName, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.clock = clock;
    }

    /** An answer as it was recorded: a replay gives it again, if it answers the same request. */
    public record Recorded(int status, JsonNode body, String location, byte[] fingerprint) {
        public boolean answers(Receipt receipt) {
            return Arrays.equals(fingerprint, receipt.fingerprint);
        }
    }

    /** The receipt of the caller's request with this key on this method and path. */
    public Receipt receipt(String sub, String method, String path, String key, String body) {
        return new Receipt(this, IdempotencyKey.scope(sub, method, path, key), IdempotencyKey.fingerprint(body));
    }

    /** The answer recorded under the receipt's key, if one was and has not expired (read consistently). */
    public Optional<Recorded> find(Receipt receipt) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName).key(key(receipt))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || Long.parseLong(item.get("expiresAt").n()) <= now().getEpochSecond()) {
            return Optional.empty();
        }
        AttributeValue location = item.get("location");
        return Optional.of(new Recorded(Integer.parseInt(item.get("status").n()),
                body(item.get("body")), location == null ? null : location.s(),
                item.get("request").b().asByteArray()));
    }

    TransactWriteItem recordItem(Receipt receipt, ApiResponse answer) {
        return TransactWriteItem.builder().put(put(receipt, answer)).build();
    }

    /** Records an answer that no transaction carried; false if the key has one already (a concurrent repeat). */
    public boolean recordAlone(Receipt receipt, ApiResponse answer) {
        Put put = put(receipt, answer);
        try {
            dynamoDb.putItem(r -> r.tableName(tableName).item(put.item())
                    .conditionExpression(put.conditionExpression())
                    .expressionAttributeValues(put.expressionAttributeValues()));
            return true;
        } catch (ConditionalCheckFailedException answered) {
            return false;
        }
    }

    /** The row, put only if the key has no answer (or only an expired one). */
    private Put put(Receipt receipt, ApiResponse answer) {
        Instant now = now();
        Map<String, AttributeValue> item = new HashMap<>(key(receipt));
        item.put("request", AttributeValue.fromB(SdkBytes.fromByteArray(receipt.fingerprint)));
        item.put("status", n(answer.status()));
        String location = answer.headers().get("Location");
        if (location != null) {
            item.put("location", s(location));
        }
        item.put("body", CompressedText.of(answer.body().toString()));
        item.put("expiresAt", Items.epochSeconds(now.plus(KEPT)));
        return Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(pk) OR expiresAt <= :now")
                .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()))).build();
    }

    private static Map<String, AttributeValue> key(Receipt receipt) {
        return Items.key(PREFIX + receipt.scope, "ANSWER");
    }

    private Instant now() {
        return clock.instant();
    }

    private static JsonNode body(AttributeValue compressed) {
        try {
            return EventCodec.shared().mapper().readTree(CompressedText.text(compressed));
        } catch (IOException e) {
            throw new UncheckedIOException("a recorded answer that is not gzipped JSON", e);
        }
    }
}
