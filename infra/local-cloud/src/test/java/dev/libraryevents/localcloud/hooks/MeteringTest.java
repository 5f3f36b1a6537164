package dev.libraryevents.localcloud.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeteringTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Metering metering = new Metering();

    @Test
    void shouldPriceATransactionTwicePerStartedKilobyteOfEachItem() throws Exception {
        String bigValue = "a".repeat(1500);
        metering.dynamoDb("LibraryApi", "TransactWriteItems", json("""
                {"TransactItems": [
                  {"Put": {"TableName": "Library", "Item": {"pk": {"S": "BOOK#1"}, "v": {"S": "%s"}}}},
                  {"Update": {"TableName": "Library", "Key": {"pk": {"S": "USER#1"}}}},
                  {"ConditionCheck": {"TableName": "Library", "Key": {"pk": {"S": "EMAIL#1"}}}}]}
                """.formatted(bigValue)), null);

        assertThat(metering.snapshot()).containsEntry("dynamodb.wru|LibraryApi", 2.0 * (2 + 1 + 1))
                .as("writes outside transactions, apart").doesNotContainKey("dynamodb.wru.single|LibraryApi");
    }

    @Test
    void shouldChargeAnIndexWrite_onlyForAnItemThatCarriesTheIndexKey() throws Exception {
        metering.indexes("Audit", List.of(new Metering.Index(Set.of("pk", "byCorrelationPk"), "byCorrelationPk",
                false)));

        metering.dynamoDb("AuditConsumer", "PutItem", json("""
                {"TableName": "Audit", "Item": {"pk": {"S": "EVENT#1"}, "byCorrelationPk": {"S": "req-1"}}}"""), null);
        metering.dynamoDb("AuditConsumer", "PutItem", json("""
                {"TableName": "Audit", "Item": {"pk": {"S": "BOOK#1"}}}"""), null);

        assertThat(metering.snapshot()).containsEntry("dynamodb.wru|AuditConsumer", 3.0)
                .containsEntry("dynamodb.wru.single|AuditConsumer", 3.0);
    }

    @Test
    void shouldChargeAKeysOnlyIndexWrite_forTheKeysAlone() throws Exception {
        metering.indexes("Audit", List.of(new Metering.Index(Set.of("pk", "byCorrelationPk"), "byCorrelationPk",
                true)));
        String event = "x".repeat(1500);

        metering.dynamoDb("AuditConsumer", "PutItem", json("""
                {"TableName": "Audit", "Item": {"pk": {"S": "EVENT#1"}, "byCorrelationPk": {"S": "req-1"},
                 "event": {"S": "%s"}}}""".formatted(event)), null);

        assertThat(metering.snapshot()).as("2 units for the item, 1 for its keys in the index")
                .containsEntry("dynamodb.wru|AuditConsumer", 3.0);
    }

    @Test
    void shouldTakeReadUnitsFromTheAnswer_ofASingleTableOrOfSeveral() throws Exception {
        metering.dynamoDb("AuditApi", "Query", json("{\"TableName\": \"Audit\"}"),
                json("{\"ConsumedCapacity\": {\"TableName\": \"Audit\", \"CapacityUnits\": 0.5}}"));
        metering.dynamoDb("AuditApi", "BatchGetItem", json("{}"), json("""
                {"ConsumedCapacity": [{"CapacityUnits": 1.0}, {"CapacityUnits": 2.0}]}"""));

        assertThat(metering.snapshot()).containsEntry("dynamodb.rru|AuditApi", 3.5)
                .doesNotContainKey("dynamodb.wru|AuditApi");
    }

    @Test
    void shouldCountInvocations_andSingleRecordOnesApart() {
        metering.invoked("AuditConsumer", 1, 40);
        metering.invoked("AuditConsumer", 7, 90);

        Map<String, Double> counters = metering.snapshot();
        assertThat(counters).containsEntry("lambda.invocations|AuditConsumer", 2.0)
                .containsEntry("lambda.records|AuditConsumer", 8.0)
                .containsEntry("lambda.billedMs|AuditConsumer", 130.0)
                .containsEntry("lambda.singleRecordInvocations|AuditConsumer", 1.0)
                .containsEntry("lambda.singleRecordMs|AuditConsumer", 40.0);
    }

    @Test
    void shouldReportOnlyWhatGrewBetweenTwoSnapshots() {
        metering.add("sqs|Queue|ReceiveMessage", 2);
        metering.add("sqs|Queue|DeleteMessageBatch", 1);
        Map<String, Double> before = metering.snapshot();
        metering.add("sqs|Queue|ReceiveMessage", 3);

        assertThat(Metering.difference(before, metering.snapshot()))
                .isEqualTo(Map.of("sqs|Queue|ReceiveMessage", 3.0));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
