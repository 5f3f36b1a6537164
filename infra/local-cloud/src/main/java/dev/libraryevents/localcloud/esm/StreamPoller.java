package dev.libraryevents.localcloud.esm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.common.Log;
import dev.libraryevents.localcloud.dynamodb.TableWrites;
import dev.libraryevents.localcloud.lambda.Invocable;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.template.CloudTemplate;
import dev.libraryevents.streams.StreamRecordJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.event.ruler.Machine;

/**
 * A DynamoDB stream event source mapping: reads every shard in order, keeps the records its filter criteria
 * match (evaluated by event-ruler, as Lambda's filtering uses the same pattern language), invokes in batches, and
 * on a reported item failure or a function error retries from the first record not done. After the retries it
 * bisects, and a record that still fails goes to the on-failure destination with its batch info, then the shard
 * moves on.
 */
final class StreamPoller implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SHARD_LIST_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a poller that found nothing waits before it looks again, unless its table is written through the
     * AWS endpoint meanwhile (then at once): Lambda's own rate, four reads of a shard a second.
     */
    private static final long IDLE_POLL_MILLIS = 250;

    private final DynamoDbStreamsClient streams;
    private final TableWrites writes;
    private final String table;
    private final String streamArn;
    private final Invocable function;
    private final EventSourceMapping mapping;
    private final int maxRetries;
    private final Machine filter;
    private final SqsClient sqs;
    private final String onFailureQueueUrl;
    private final Map<String, String> positions = new HashMap<>();
    /**
     * Each shard's iterator for the records after its position, from the last read: an idle poll is then one
     * GetRecords, not a GetShardIterator before it. Dropped when it fails, and asked for again from the position.
     */
    private final Map<String, String> iterators = new HashMap<>();
    /** The stream's shards as last described, and when: asked for again every second, or when a shard ends. */
    private List<Shard> shards = List.of();
    private long shardsListedAt;
    private final Set<String> finished = new HashSet<>();
    private final Set<String> rewound = new HashSet<>();
    private final Path positionsFile;

    /** @param positionsFile where the shard positions are kept across restarts; null to start from the horizon */
    StreamPoller(DynamoDbStreamsClient streams, TableWrites writes, String streamArn, Invocable function,
                 EventSourceMapping mapping, int maxRetries, List<String> filterPatterns, SqsClient sqs,
                 String onFailureQueueUrl, Path positionsFile) throws Exception {
        this.positionsFile = positionsFile;
        if (positionsFile != null && Files.exists(positionsFile)) {
            JSON.readTree(positionsFile.toFile()).fields()
                    .forEachRemaining(shard -> positions.put(shard.getKey(), shard.getValue().asText()));
        }
        this.streams = streams;
        this.writes = writes;
        this.table = TableWrites.tableName(streamArn);
        this.streamArn = streamArn;
        this.function = function;
        this.mapping = mapping;
        this.maxRetries = maxRetries;
        this.sqs = sqs;
        this.onFailureQueueUrl = onFailureQueueUrl;
        if (filterPatterns.isEmpty()) {
            this.filter = null;
        } else {
            this.filter = Machine.builder().build();
            for (int i = 0; i < filterPatterns.size(); i++) {
                filter.addRule("filter-" + i, filterPatterns.get(i));
            }
        }
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (!mapping.enabled()) {
                    Thread.sleep(200);
                    continue;
                }
                long seen = writes.seen(table);
                boolean any = false;
                for (Shard shard : shards()) {
                    if (!finished.contains(shard.shardId())) {
                        try {
                            any |= poll(shard);
                        } catch (TrimmedDataAccessException e) {
                            // The saved position is older than what the stream still holds: read the shard
                            // from its horizon once (at least once: consumers drop what they have seen).
                            iterators.remove(shard.shardId());
                            if (rewound.add(shard.shardId())) {
                                positions.remove(shard.shardId());
                            } else {
                                finished.add(shard.shardId());
                                Log.info(function.name() + ": gave up on shard " + shard.shardId());
                            }
                        }
                    }
                }
                if (!any) {
                    writes.awaitAfter(table, seen, IDLE_POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                iterators.clear(); // an expired or refused iterator: ask for new ones from the positions
                shardsListedAt = 0;
                Log.info("stream poller for " + function.name() + ": " + e.getMessage());
            }
        }
    }

    /**
     * The shards as described at most a second ago: a new shard is seen within a second, and a shard read to its end
     * has the stream described again at once, so that its children follow it without a pause.
     */
    private List<Shard> shards() {
        long now = System.nanoTime();
        if (shardsListedAt == 0 || now - shardsListedAt > SHARD_LIST_INTERVAL_NANOS) {
            shards = streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards();
            shardsListedAt = now;
        }
        return shards;
    }

    /**
     * Reads the next records of one shard. A closed shard read to its last record is done for good: asking for
     * records after its end is an error, and its children carry on.
     */
    private boolean poll(Shard shard) throws InterruptedException {
        String shardId = shard.shardId();
        String after = positions.get(shardId);
        String end = shard.sequenceNumberRange() == null ? null : shard.sequenceNumberRange().endingSequenceNumber();
        if (end != null && end.equals(after)) {
            finish(shardId);
            return false;
        }
        String iterator = iterators.get(shardId);
        if (iterator == null) {
            iterator = streams.getShardIterator(r -> {
                r.streamArn(streamArn).shardId(shardId);
                if (after == null) {
                    r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                } else {
                    r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
                }
            }).shardIterator();
            if (iterator == null) {
                return false;
            }
        }
        String current = iterator;
        var page = streams.getRecords(r -> r.shardIterator(current).limit(mapping.batchSize()));
        List<Record> records = page.records();
        if (records.isEmpty()) {
            if (page.nextShardIterator() != null) {
                iterators.put(shardId, page.nextShardIterator());
            } else if (end != null) {
                finish(shardId); // a closed shard with nothing after the position
            } else {
                iterators.remove(shardId); // closed since it was described: describe it again
                shardsListedAt = 0;
            }
            return false;
        }
        iterators.remove(shardId); // until the batch is done: a failure below reads it again from the position
        List<ObjectNode> batch = new ArrayList<>();
        for (Record record : records) {
            ObjectNode json = toLambda(record);
            if (filter == null || matches(json)) {
                batch.add(json);
            }
        }
        process(shardId, batch);
        positions.put(shardId, records.get(records.size() - 1).dynamodb().sequenceNumber());
        savePositions();
        if (page.nextShardIterator() != null) {
            iterators.put(shardId, page.nextShardIterator());
        }
        return true;
    }

    private void finish(String shardId) {
        finished.add(shardId);
        iterators.remove(shardId);
        shardsListedAt = 0;
    }

    /** A restart with a data directory goes on where the stream was left, instead of relaying it all again. */
    private void savePositions() {
        if (positionsFile != null) {
            try {
                Files.createDirectories(positionsFile.getParent());
                Files.writeString(positionsFile, JSON.valueToTree(positions).toString());
            } catch (IOException e) {
                Log.info("could not save stream positions: " + e.getMessage());
            }
        }
    }

    /** Invokes until every record is done or has been handed to the on-failure destination. */
    private void process(String shardId, List<ObjectNode> batch) throws InterruptedException {
        List<ObjectNode> remaining = batch;
        int attempts = 0;
        while (!remaining.isEmpty()) {
            int failedAt = invoke(remaining);
            if (failedAt < 0) {
                return;
            }
            remaining = remaining.subList(failedAt, remaining.size());
            attempts++;
            if (attempts > maxRetries) {
                if (remaining.size() > 1) {
                    // bisect: the first half alone, with fresh retries, to isolate the record at fault
                    process(shardId, remaining.subList(0, remaining.size() / 2));
                    remaining = remaining.subList(remaining.size() / 2, remaining.size());
                    attempts = 0;
                    continue;
                }
                sendToOnFailure(shardId, remaining.get(0));
                return;
            }
        }
    }

    /** @return -1 when all succeeded, else the index of the first record to retry from */
    private int invoke(List<ObjectNode> records) throws InterruptedException {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode list = event.putArray("Records");
        records.forEach(list::add);
        CompletableFuture<LocalFunction.Result> answer = function.invoke(event.toString(), records.size());
        LocalFunction.Result result;
        try {
            result = answer.get();
        } catch (InterruptedException stopping) {
            // The local cloud is stopping. An invocation under way has likely relayed its records already: let it
            // answer (briefly), so that its position is saved and a restart does not relay the records again.
            try {
                result = answer.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw stopping;
            } finally {
                Thread.currentThread().interrupt();
            }
        } catch (ExecutionException e) {
            return 0;
        }
        if (result.outcome() != LocalFunction.Outcome.SUCCESS) {
            return 0;
        }
        try {
            JsonNode failures = JSON.readTree(result.body()).path("batchItemFailures");
            int first = -1;
            for (JsonNode failure : failures) {
                String sequence = failure.path("itemIdentifier").asText();
                for (int i = 0; i < records.size(); i++) {
                    if (records.get(i).at("/dynamodb/SequenceNumber").asText().equals(sequence)
                            && (first < 0 || i < first)) {
                        first = i;
                    }
                }
            }
            return first;
        } catch (Exception e) {
            return 0;
        }
    }

    private void sendToOnFailure(String shardId, ObjectNode record) {
        if (onFailureQueueUrl == null) {
            return;
        }
        String sequence = record.at("/dynamodb/SequenceNumber").asText();
        ObjectNode info = JSON.createObjectNode();
        info.putObject("requestContext").put("functionArn", CloudTemplate.arn("lambda", "function:" + function.name()))
                .put("condition", "RetryAttemptsExhausted").put("approximateInvokeCount", maxRetries + 1);
        info.putObject("DDBStreamBatchInfo").put("shardId", shardId).put("startSequenceNumber", sequence)
                .put("endSequenceNumber", sequence).put("batchSize", 1).put("streamArn", streamArn);
        sqs.sendMessage(r -> r.queueUrl(onFailureQueueUrl).messageBody(info.toString()));
        Log.info(function.name() + ": stream record " + sequence + " sent to its on-failure destination");
    }

    private boolean matches(ObjectNode record) {
        try {
            return !filter.rulesForJSONEvent(record.toString()).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private ObjectNode toLambda(Record record) {
        return StreamRecordJson.of(record, streamArn, CloudTemplate.REGION);
    }
}
