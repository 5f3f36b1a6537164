package dev.libraryevents.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * A DynamoDB stream record (as DynamoDB Streams' GetRecords returns it) in the JSON Lambda's event source mapping
 * hands a function: every attribute type, binary as base64, as DynamoDB's JSON writes it.
 */
public final class StreamRecordJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamRecordJson() {}

    public static ObjectNode of(Record record, String streamArn, String region) {
        ObjectNode json = JSON.createObjectNode()
                .put("eventID", record.eventID())
                .put("eventName", record.eventNameAsString())
                .put("eventVersion", "1.1")
                .put("eventSource", "aws:dynamodb")
                .put("awsRegion", region)
                .put("eventSourceARN", streamArn);
        ObjectNode dynamodb = json.putObject("dynamodb");
        if (record.dynamodb().approximateCreationDateTime() != null) {
            dynamodb.put("ApproximateCreationDateTime", record.dynamodb().approximateCreationDateTime()
                    .getEpochSecond());
        }
        dynamodb.set("Keys", item(record.dynamodb().keys()));
        if (record.dynamodb().hasNewImage()) {
            dynamodb.set("NewImage", item(record.dynamodb().newImage()));
        }
        if (record.dynamodb().hasOldImage()) {
            dynamodb.set("OldImage", item(record.dynamodb().oldImage()));
        }
        dynamodb.put("SequenceNumber", record.dynamodb().sequenceNumber());
        dynamodb.put("SizeBytes", record.dynamodb().sizeBytes() == null ? 0 : record.dynamodb().sizeBytes());
        dynamodb.put("StreamViewType", record.dynamodb().streamViewTypeAsString());
        return json;
    }

    public static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode json = JSON.createObjectNode();
        item.forEach((name, value) -> json.set(name, value(value)));
        return json;
    }

    public static ObjectNode value(AttributeValue value) {
        ObjectNode json = JSON.createObjectNode();
        switch (value.type()) {
            case S -> json.put("S", value.s());
            case N -> json.put("N", value.n());
            case B -> json.put("B", base64(value.b().asByteArray()));
            case BOOL -> json.put("BOOL", value.bool());
            case NUL -> json.put("NULL", true);
            case M -> json.set("M", item(value.m()));
            case L -> {
                ArrayNode list = json.putArray("L");
                value.l().forEach(element -> list.add(value(element)));
            }
            case SS -> value.ss().forEach(json.putArray("SS")::add);
            case NS -> value.ns().forEach(json.putArray("NS")::add);
            case BS -> {
                ArrayNode set = json.putArray("BS");
                value.bs().forEach(bytes -> set.add(base64(bytes.asByteArray())));
            }
            default -> throw new IllegalArgumentException("an attribute value of no known type: " + value);
        }
        return json;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
