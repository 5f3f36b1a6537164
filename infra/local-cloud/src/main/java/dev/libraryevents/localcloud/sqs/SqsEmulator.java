package dev.libraryevents.localcloud.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.localcloud.common.Ports;
import dev.libraryevents.localcloud.dynamodb.DynamoDbEmulator;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/** ElasticMQ in this JVM, with the template's queues: visibility timeouts, retention, redrive to their DLQs. */
public final class SqsEmulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration STOP_PATIENCE = Duration.ofSeconds(5);

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;
    private final Map<String, String> queueUrls = new HashMap<>();

    /**
     * @param metering       counts the requests the local cloud's own pollers and rule targets make, by queue
     * @param publicEndpoint the AWS endpoint that forwards here: queue URLs name it, so that they work for callers
     */
    public SqsEmulator(Metering metering, URI publicEndpoint) {
        int port = Ports.free();
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(port)
                .withServerAddress(new NodeAddress(publicEndpoint.getScheme(), publicEndpoint.getHost(),
                        publicEndpoint.getPort(), ""))
                .withAWSRegion(CloudTemplate.REGION).withAWSAccountId(CloudTemplate.ACCOUNT)
                .start();
        server.waitUntilStarted();
        endpoint = URI.create("http://127.0.0.1:" + port);
        client = SqsClient.builder().endpointOverride(endpoint).region(Region.of(CloudTemplate.REGION))
                .credentialsProvider(DynamoDbEmulator.CREDENTIALS).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                        String queue = context.request().getValueForField("QueueUrl", String.class)
                                .map(url -> url.substring(url.lastIndexOf('/') + 1)).orElse("-");
                        String operation = context.request().getClass().getSimpleName().replace("Request", "");
                        boolean empty = context.response() instanceof ReceiveMessageResponse received
                                && received.messages().isEmpty();
                        metering.add("sqs|" + queue + "|" + operation + (empty ? ".empty" : ""), 1);
                    }
                }))
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    /** A queue's ARN from its URL or name, as IAM names it; "*" for a call about no one queue. */
    public static String queueArn(String urlOrName) {
        return urlOrName.equals("*") ? urlOrName
                : CloudTemplate.arn("sqs", urlOrName.substring(urlOrName.lastIndexOf('/') + 1));
    }

    public String queueUrl(String logicalId) {
        return queueUrls.get(logicalId);
    }

    /** Dead-letter queues first, so that every redrive policy names a queue that exists. */
    public void createQueues(CloudTemplate template, java.time.Duration visibilityOverride) {
        Map<String, JsonNode> queues = template.ofType("AWS::SQS::Queue");
        queues.entrySet().stream().sorted((a, b) -> Boolean.compare(a.getValue().has("RedrivePolicy"),
                b.getValue().has("RedrivePolicy"))).forEach(queue -> {
                    Map<QueueAttributeName, String> attributes = new HashMap<>();
                    JsonNode properties = queue.getValue();
                    attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, visibilityOverride != null
                            ? Long.toString(visibilityOverride.toSeconds())
                            : properties.path("VisibilityTimeout").asText("30"));
                    attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                            properties.path("MessageRetentionPeriod").asText("345600"));
                    JsonNode redrive = properties.path("RedrivePolicy");
                    if (!redrive.isMissingNode()) {
                        attributes.put(QueueAttributeName.REDRIVE_POLICY, JSON.createObjectNode()
                                .put("deadLetterTargetArn", template.resolve(redrive.path("deadLetterTargetArn")))
                                .put("maxReceiveCount", redrive.path("maxReceiveCount").asInt())
                                .toString());
                    }
                    String url = client.createQueue(r -> r.queueName(queue.getKey()).attributes(attributes))
                            .queueUrl();
                    queueUrls.put(queue.getKey(), url);
                });
    }

    /**
     * ElasticMQ keeps messages in memory: at a graceful stop every visible message is written to
     * {@code sqs/<queue>.jsonl} under the data directory, and {@link #restore} sends them again at the next start.
     * Only visible ones can be read: the pollers, stopped first, hand back what they hold or left in flight.
     * Receive counts start afresh.
     */
    public void save(Path dataDirectory) throws IOException {
        Path directory = Files.createDirectories(dataDirectory.resolve("sqs"));
        for (Map.Entry<String, String> queue : queueUrls.entrySet()) {
            List<String> bodies = new ArrayList<>();
            List<Message> batch;
            do {
                batch = client.receiveMessage(r -> r.queueUrl(queue.getValue()).maxNumberOfMessages(10)
                        .visibilityTimeout(60)).messages();
                batch.forEach(message -> bodies.add(JSON.createObjectNode().put("body", message.body()).toString()));
            } while (!batch.isEmpty());
            Files.write(directory.resolve(queue.getKey() + ".jsonl"), bodies);
        }
    }

    public int restore(Path dataDirectory) throws IOException {
        int restored = 0;
        for (Map.Entry<String, String> queue : queueUrls.entrySet()) {
            Path file = dataDirectory.resolve("sqs").resolve(queue.getKey() + ".jsonl");
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    String body = JSON.readTree(line).path("body").asText();
                    client.sendMessage(r -> r.queueUrl(queue.getValue()).messageBody(body));
                    restored++;
                }
                Files.delete(file);
            }
        }
        return restored;
    }

    /**
     * ElasticMQ's own stop waits for its HTTP server to end every connection, up to a minute when a client keeps
     * one open; the state that matters was saved before this, so a stop waits a few seconds at most.
     */
    @Override
    public void close() {
        client.close();
        Thread stopping = new Thread(server::stopAndWait, "elasticmq-stop");
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(STOP_PATIENCE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
