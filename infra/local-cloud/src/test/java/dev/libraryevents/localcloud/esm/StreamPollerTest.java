package dev.libraryevents.localcloud.esm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.dynamodb.DynamoDbEmulator;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.lambda.Invocable;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.sqs.SqsEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The DynamoDB stream mapping on a real stream (DynamoDB Local) with a real on-failure queue (ElasticMQ): in-order
 * batches, retries from the first failed record, bisection to isolate a poison record, the on-failure message, and
 * a disabled mapping. The function is scripted: what it answers is the subject here, not what it does.
 */
class StreamPollerTest {

    private static DynamoDbEmulator dynamoDb;
    private static SqsEmulator sqs;
    private static String onFailureUrl;
    private String table;
    private Thread pollerThread;

    /** A function that fails (as a function error) every batch holding a record whose id starts with "poison". */
    private static final class Scripted implements Invocable {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<String> done = Collections.synchronizedList(new ArrayList<>());
        final Function<List<String>, LocalFunction.Result> answer;

        Scripted(Function<List<String>, LocalFunction.Result> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "Scripted";
        }

        @Override
        public CompletableFuture<LocalFunction.Result> invoke(String payload, int records) {
            List<String> ids = new ArrayList<>();
            try {
                for (JsonNode record : CloudTemplate.JSON.readTree(payload).path("Records")) {
                    ids.add(record.at("/dynamodb/NewImage/id/S").asText());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            batches.add(ids);
            LocalFunction.Result result = answer.apply(ids);
            if (result.outcome() == LocalFunction.Outcome.SUCCESS && !result.body().contains("itemIdentifier")) {
                done.addAll(ids);
            }
            return CompletableFuture.completedFuture(result);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        dynamoDb = new DynamoDbEmulator(null);
        sqs = new SqsEmulator(new Metering(), URI.create("http://127.0.0.1:4566"));
        onFailureUrl = sqs.client().createQueue(r -> r.queueName("OnFailure")).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        sqs.close();
        dynamoDb.close();
    }

    @AfterEach
    void stopThePoller() throws InterruptedException {
        if (pollerThread != null) {
            pollerThread.interrupt();
            pollerThread.join(10_000);
        }
    }

    @Test
    void shouldHandOverRecordsInOrder_inOneBatch() throws Exception {
        Scripted function = new Scripted(ids -> success("{}"));
        createTableWith("a", "b", "c");

        poll(function, mapping(true));

        await().atMost(Duration.ofSeconds(20)).until(() -> function.done.size() == 3);
        assertThat(function.batches).containsExactly(List.of("a", "b", "c"));
    }

    @Test
    void shouldBisectAFailingBatch_andSendThePoisonRecordAloneToTheOnFailureQueue() throws Exception {
        Scripted function = new Scripted(ids -> ids.stream().anyMatch(id -> id.startsWith("poison"))
                ? new LocalFunction.Result(LocalFunction.Outcome.ERROR, "{\"errorMessage\":\"boom\"}", 1)
                : success("{}"));
        createTableWith("a", "b", "poison", "d");

        poll(function, mapping(true));

        await().atMost(Duration.ofSeconds(30)).until(() -> function.done.size() == 3);
        Message failure = await().atMost(Duration.ofSeconds(20)).until(this::onFailureMessage, m -> m != null);
        JsonNode info = CloudTemplate.JSON.readTree(failure.body());
        assertThat(info.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(info.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(info.at("/DDBStreamBatchInfo/batchSize").asInt()).isEqualTo(1);
        assertThat(function.done).containsExactly("a", "b", "d");
        // one try and one retry of the whole batch, then the halves: [a, b] passes; [poison, d] fails twice and
        // is halved again: [poison] fails twice and goes to the on-failure queue, [d] passes
        assertThat(function.batches).containsExactly(List.of("a", "b", "poison", "d"),
                List.of("a", "b", "poison", "d"), List.of("a", "b"), List.of("poison", "d"), List.of("poison", "d"),
                List.of("poison"), List.of("poison"), List.of("d"));
    }

    @Test
    void shouldRetryFromTheFirstReportedItemFailure() throws Exception {
        createTableWith("a", "b", "c");
        String sequenceOfB = sequenceOf("b");
        AtomicBoolean reported = new AtomicBoolean();
        Scripted function = new Scripted(ids -> reported.compareAndSet(false, true)
                ? success("{\"batchItemFailures\":[{\"itemIdentifier\":\"" + sequenceOfB + "\"}]}")
                : success("{}"));

        poll(function, mapping(true));

        await().atMost(Duration.ofSeconds(20)).until(() -> function.batches.size() == 2);
        assertThat(function.batches).containsExactly(List.of("a", "b", "c"), List.of("b", "c"));
    }

    @Test
    void shouldLeaveRecordsInTheStream_whileTheMappingIsDisabled() throws Exception {
        Scripted function = new Scripted(ids -> success("{}"));
        createTableWith("a");
        EventSourceMapping mapping = mapping(false);

        poll(function, mapping);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(function.batches::isEmpty);

        mapping.update(true, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> function.done.size() == 1);
    }

    private static LocalFunction.Result success(String body) {
        return new LocalFunction.Result(LocalFunction.Outcome.SUCCESS, body, 1);
    }

    private EventSourceMapping mapping(boolean enabled) {
        return new EventSourceMapping("Mapping" + table, "Scripted", dynamoDb.streamArn(table), enabled, 100, 0,
                List.of(), "arn:aws:sqs:us-east-1:000000000000:OnFailure");
    }

    private void poll(Invocable function, EventSourceMapping mapping) throws Exception {
        StreamPoller poller = new StreamPoller(dynamoDb.streams(), dynamoDb.writes(), dynamoDb.streamArn(table), function,
                mapping, 1,
                List.of(), sqs.client(), onFailureUrl, null);
        pollerThread = new Thread(poller, "test-poller");
        pollerThread.setDaemon(true);
        pollerThread.start();
    }

    private void createTableWith(String... ids) {
        table = "T" + UUID.randomUUID().toString().replace("-", "");
        dynamoDb.client().createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
        for (String id : ids) {
            dynamoDb.client().putItem(r -> r.tableName(table).item(Map.of("id", AttributeValue.fromS(id))));
        }
    }

    private String sequenceOf(String id) {
        var shard = dynamoDb.streams().describeStream(r -> r.streamArn(dynamoDb.streamArn(table)))
                .streamDescription().shards().get(0);
        String iterator = dynamoDb.streams().getShardIterator(r -> r.streamArn(dynamoDb.streamArn(table))
                .shardId(shard.shardId()).shardIteratorType("TRIM_HORIZON")).shardIterator();
        return dynamoDb.streams().getRecords(r -> r.shardIterator(iterator)).records().stream()
                .filter(record -> record.dynamodb().newImage().get("id").s().equals(id)).findFirst().orElseThrow()
                .dynamodb().sequenceNumber();
    }

    private Message onFailureMessage() {
        List<Message> messages = sqs.client().receiveMessage(r -> r.queueUrl(onFailureUrl).maxNumberOfMessages(1))
                .messages();
        return messages.isEmpty() ? null : messages.get(0);
    }
}
