package dev.libraryevents.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

class StreamRecordJsonTest {

    @Test
    void shouldWriteEveryAttributeType_asDynamoDbsJson() {
        Map<String, AttributeValue> image = Map.ofEntries(
                Map.entry("s", AttributeValue.fromS("text")),
                Map.entry("n", AttributeValue.fromN("1.5")),
                Map.entry("b", AttributeValue.fromB(SdkBytes.fromUtf8String("hi"))),
                Map.entry("bool", AttributeValue.fromBool(true)),
                Map.entry("null", AttributeValue.fromNul(true)),
                Map.entry("ss", AttributeValue.fromSs(java.util.List.of("a", "b"))),
                Map.entry("ns", AttributeValue.fromNs(java.util.List.of("1", "2"))),
                Map.entry("bs", AttributeValue.fromBs(java.util.List.of(SdkBytes.fromUtf8String("hi")))),
                Map.entry("l", AttributeValue.fromL(java.util.List.of(AttributeValue.fromN("3")))),
                Map.entry("m", AttributeValue.fromM(Map.of("inner", AttributeValue.fromS("x")))));

        var json = StreamRecordJson.item(image);

        assertThat(json.path("s").path("S").asText()).isEqualTo("text");
        assertThat(json.path("n").path("N").asText()).isEqualTo("1.5");
        assertThat(json.path("b").path("B").asText()).isEqualTo("aGk=");
        assertThat(json.path("bool").path("BOOL").asBoolean()).isTrue();
        assertThat(json.path("null").path("NULL").asBoolean()).isTrue();
        assertThat(json.path("ss").path("SS")).hasSize(2);
        assertThat(json.path("ns").path("NS").get(1).asText()).isEqualTo("2");
        assertThat(json.path("bs").path("BS").get(0).asText()).isEqualTo("aGk=");
        assertThat(json.path("l").path("L").get(0).path("N").asText()).isEqualTo("3");
        assertThat(json.path("m").path("M").path("inner").path("S").asText()).isEqualTo("x");
    }

    @Test
    void shouldWriteTheRecordsEnvelope_asLambdaDoes() {
        Record record = Record.builder().eventID("e1").eventName("INSERT").dynamodb(d -> d
                .keys(Map.of("pk", AttributeValue.fromS("K"))).newImage(Map.of("pk", AttributeValue.fromS("K")))
                .sequenceNumber("100").sizeBytes(12L).streamViewType("NEW_IMAGE")
                .approximateCreationDateTime(Instant.ofEpochSecond(1_700_000_000))).build();

        var json = StreamRecordJson.of(record, "arn:stream", "us-east-1");

        assertThat(json.path("eventSourceARN").asText()).isEqualTo("arn:stream");
        assertThat(json.path("eventSource").asText()).isEqualTo("aws:dynamodb");
        assertThat(json.at("/dynamodb/Keys/pk/S").asText()).isEqualTo("K");
        assertThat(json.at("/dynamodb/SequenceNumber").asText()).isEqualTo("100");
        assertThat(json.at("/dynamodb/ApproximateCreationDateTime").asLong()).isEqualTo(1_700_000_000L);
        assertThat(json.path("dynamodb").has("OldImage")).isFalse();
    }
}
