package dev.libraryevents.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.libraryevents.streams.StreamRecordJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads a table's real DynamoDB stream from DynamoDB Local and hands the records over in the shape Lambda gives a
 * stream-triggered function, so relay tests run on what the table actually emitted.
 */
public final class StreamRecords {

    private final DynamoDbLocal dynamoDb;
    private final DynamoDbStreamsClient streams;
    private final Map<String, String> positions = new LinkedHashMap<>();

    public StreamRecords(DynamoDbLocal dynamoDb) {
        this.dynamoDb = dynamoDb;
        this.streams = dynamoDb.streams();
    }

    /** Every record written to the table's stream since the previous call (all of them, the first time). */
    public List<DynamodbStreamRecord> next(String tableName) {
        String streamArn = dynamoDb.client().describeTable(r -> r.tableName(tableName)).table().latestStreamArn();
        List<DynamodbStreamRecord> records = new ArrayList<>();
        for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
            String after = positions.get(shard.shardId());
            String iterator = streams.getShardIterator(r -> {
                r.streamArn(streamArn).shardId(shard.shardId());
                if (after == null) {
                    r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                } else {
                    r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
                }
            }).shardIterator();
            while (iterator != null) {
                String current = iterator;
                var page = streams.getRecords(r -> r.shardIterator(current));
                if (page.records().isEmpty()) {
                    break;
                }
                for (Record record : page.records()) {
                    records.add(toLambda(record, streamArn));
                    positions.put(shard.shardId(), record.dynamodb().sequenceNumber());
                }
                iterator = page.nextShardIterator();
            }
        }
        return records;
    }

    /** Through the JSON Lambda hands a function (the local cloud's poller writes the same), read as a function does. */
    private DynamodbStreamRecord toLambda(Record record, String streamArn) {
        try {
            return EVENTS.treeToValue(StreamRecordJson.of(record, streamArn, "us-east-1"), DynamodbStreamRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like the functions' JsonHandler: AWS's field names, the event classes' bean names, which differ in case. */
    private static final ObjectMapper EVENTS = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
}
