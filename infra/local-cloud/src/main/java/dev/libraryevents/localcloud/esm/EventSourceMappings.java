package dev.libraryevents.localcloud.esm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.dynamodb.DynamoDbEmulator;
import dev.libraryevents.localcloud.iam.Iam;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.sqs.SqsEmulator;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The template's event source mappings: their settings, as Lambda's API shows them, and their pollers' threads. */
public final class EventSourceMappings implements AutoCloseable {

    private final Map<String, EventSourceMapping> mappings = new LinkedHashMap<>();
    private final List<Thread> pollers = new ArrayList<>();
    /** How each poller stops: a queue's by its flag, a stream's by an interrupt. */
    private final List<Runnable> stops = new ArrayList<>();
    private final Iam iam;

    /**
     * The template's event source mappings, each with its pollers. Lambda refuses to create a mapping whose
     * function's role cannot read the source (or send to its on-failure destination); so does the local cloud,
     * at start, naming the permission.
     */
    public EventSourceMappings(CloudTemplate template, Iam iam, Map<String, LocalFunction> functions, SqsEmulator sqs,
                        DynamoDbEmulator dynamoDb, Path dataDirectory) throws Exception {
        this.iam = iam;
        for (Map.Entry<String, JsonNode> entry : template.ofType("AWS::Lambda::EventSourceMapping").entrySet()) {
            JsonNode mapping = entry.getValue();
            // A name, a qualified name (the stack's mappings invoke an alias: Name:live) or an ARN.
            String functionId = template.functionNamed(template.resolve(mapping.path("FunctionName")));
            LocalFunction function = functions.get(functionId);
            String source = CloudTemplate.logicalIdOf(mapping.path("EventSourceArn"));
            boolean fromQueue = template.typeOf(source).equals("AWS::SQS::Queue");
            String sourceArn = template.resolve(mapping.path("EventSourceArn"));
            JsonNode destination = mapping.path("DestinationConfig").path("OnFailure").path("Destination");
            String onFailureArn = destination.isMissingNode() ? null : template.resolve(destination);
            List<String> responseTypes = new ArrayList<>();
            mapping.path("FunctionResponseTypes").forEach(type -> responseTypes.add(type.asText()));
            EventSourceMapping settings = new EventSourceMapping(entry.getKey(), functionId, sourceArn,
                    mapping.path("Enabled").asBoolean(true), mapping.path("BatchSize").asInt(fromQueue ? 10 : 100),
                    mapping.path("MaximumBatchingWindowInSeconds").asInt(0), responseTypes, onFailureArn);
            requirePermissions(entry.getKey(), functionId, fromQueue
                    ? List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
                    : List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
                    sourceArn);
            if (onFailureArn != null) {
                requirePermissions(entry.getKey(), functionId, List.of("sqs:SendMessage"), onFailureArn);
            }
            mappings.put(entry.getKey(), settings);
            Runnable poller;
            int threads = 1; // a stream shard is read by one poller, in order
            if (fromQueue) {
                // Lambda polls a queue with several batches at once (five to start with), up to the function's
                // concurrency or the mapping's MaximumConcurrency: one batch at a time would make a consumer
                // whose writes take a while fall behind, which it would not on AWS.
                threads = mapping.path("ScalingConfig").path("MaximumConcurrency")
                        .asInt(function.maxConcurrency());
                threads = Math.max(1, Math.min(threads, function.maxConcurrency()));
                SqsPoller queuePoller = new SqsPoller(sqs.client(), sqs.queueUrl(source), sourceArn, function,
                        settings, responseTypes.contains("ReportBatchItemFailures"));
                stops.add(queuePoller::stop);
                poller = queuePoller;
            } else {
                List<String> filters = new ArrayList<>();
                mapping.path("FilterCriteria").path("Filters").forEach(f -> filters.add(f.path("Pattern").asText()));
                String onFailure = destination.isMissingNode() ? null
                        : sqs.queueUrl(CloudTemplate.logicalIdOf(destination));
                poller = new StreamPoller(dynamoDb.streams(), dynamoDb.writes(), dynamoDb.streamArn(source), function,
                        settings, mapping.path("MaximumRetryAttempts").asInt(3), filters, sqs.client(), onFailure,
                        dataDirectory == null ? null
                                : dataDirectory.resolve("streams").resolve(functionId + ".json"));
            }
            for (int i = 0; i < threads; i++) {
                Thread thread = new Thread(poller, "mapping-" + functionId + "-" + i);
                thread.setDaemon(true);
                thread.start();
                pollers.add(thread);
                if (!fromQueue) {
                    stops.add(thread::interrupt);
                }
            }
        }
    }

    private void requirePermissions(String mappingId, String functionId, List<String> actions, String resource) {
        for (String action : actions) {
            String denial = iam.check(functionId, action, resource, Map.of());
            if (denial != null) {
                throw new IllegalStateException("CREATE_FAILED " + mappingId + ": the function's execution role "
                        + "does not have the permission " + action + " on " + resource + " (" + denial + ")");
            }
        }
    }

    public Collection<EventSourceMapping> all() {
        return mappings.values();
    }

    public EventSourceMapping get(String logicalId) {
        return mappings.get(logicalId);
    }

    /**
     * Stops the pollers: a queue's hands its batches back (see {@link SqsPoller#stop}); a stream's is interrupted,
     * and lets an invocation under way answer so that its position is saved.
     */
    @Override
    public void close() {
        stops.forEach(Runnable::run);
        for (Thread poller : pollers) {
            try {
                poller.join(TimeUnit.SECONDS.toMillis(35));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
