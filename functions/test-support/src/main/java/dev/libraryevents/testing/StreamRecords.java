package dev.libraryevents.testing;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
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
                    records.add(toLambda(record));
                    positions.put(shard.shardId(), record.dynamodb().sequenceNumber());
                }
                iterator = page.nextShardIterator();
            }
        }
        return records;
    }

    private static DynamodbStreamRecord toLambda(Record record) {
        DynamodbStreamRecord converted = new DynamodbStreamRecord();
        converted.setEventID(record.eventID());
        converted.setEventName(record.eventNameAsString());
        converted.setEventSource("aws:dynamodb");
        converted.setDynamodb(new StreamRecord()
                .withSequenceNumber(record.dynamodb().sequenceNumber())
                .withKeys(convert(record.dynamodb().keys()))
                .withNewImage(record.dynamodb().hasNewImage() ? convert(record.dynamodb().newImage()) : null));
        return converted;
    }

    private static Map<String, AttributeValue> convert(
            Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        Map<String, AttributeValue> converted = new LinkedHashMap<>();
        item.forEach((name, value) -> converted.put(name, convert(value)));
        return converted;
    }

    private static AttributeValue convert(software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
        AttributeValue converted = new AttributeValue();
        if (value.s() != null) {
            converted.setS(value.s());
        } else if (value.n() != null) {
            converted.setN(value.n());
        } else if (value.bool() != null) {
            converted.setBOOL(value.bool());
        } else if (value.hasM()) {
            converted.setM(convert(value.m()));
        } else if (value.hasL()) {
            converted.setL(value.l().stream().map(StreamRecords::convert).toList());
        } else {
            converted.setNULL(true);
        }
        return converted;
    }
}
