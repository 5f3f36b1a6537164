package dev.libraryevents.localcloud.esm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS mapping's batches on a real queue (ElasticMQ): without a batching window a batch is what one receive
 * finds; with one, Lambda keeps gathering until the batch is full or the window has passed (AWS's semantics, which
 * decide how many invocations, and so how many summaries and transactions, a consumer pays for). The function is
 * scripted: it records the bodies of each batch it is given.
 */
class SqsPollerTest {

    private static SqsEmulator sqs;
    private String queueUrl;
    private final List<Thread> pollers = new ArrayList<>();
    private final List<SqsPoller> stops = new ArrayList<>();

    /** Records each batch's bodies; every batch succeeds. */
    private static final class Recording implements Invocable {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "Recording";
        }

        @Override
        public CompletableFuture<LocalFunction.Result> invoke(String payload, int records) {
            List<String> bodies = new ArrayList<>();
            try {
                for (JsonNode record : CloudTemplate.JSON.readTree(payload).path("Records")) {
                    bodies.add(record.path("body").asText());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            batches.add(bodies);
            return CompletableFuture.completedFuture(new LocalFunction.Result(LocalFunction.Outcome.SUCCESS, "{}"));
        }
    }

    /** Answers every invocation as it is told to, and counts them. */
    private static final class Answering implements Invocable {
        final AtomicInteger invocations = new AtomicInteger();
        private final Supplier<CompletableFuture<LocalFunction.Result>> answer;

        Answering(Supplier<CompletableFuture<LocalFunction.Result>> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "Answering";
        }

        @Override
        public CompletableFuture<LocalFunction.Result> invoke(String payload, int records) {
            invocations.incrementAndGet();
            return answer.get();
        }
    }

    @BeforeAll
    static void start() {
        sqs = new SqsEmulator(new Metering(), URI.create("http://127.0.0.1:4566"));
    }

    @AfterAll
    static void stop() throws Exception {
        sqs.close();
    }

    @BeforeEach
    void createQueue() {
        queueUrl = sqs.client().createQueue(r -> r.queueName("Q" + UUID.randomUUID().toString().substring(0, 8)))
                .queueUrl();
    }

    @AfterEach
    void stopThePollers() throws InterruptedException {
        stopPolling();
    }

    @Test
    void shouldInvokeWithWhatOneReceiveFinds_withoutABatchingWindow() {
        Recording function = new Recording();
        poll(function, 10, Duration.ZERO);

        send(IntStream.rangeClosed(1, 25).toArray());

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(function) == 25);
        assertThat(function.batches.size()).isGreaterThanOrEqualTo(3); // a receive returns 10 at most
        assertThat(function.batches).allSatisfy(batch -> assertThat(batch).hasSizeBetween(1, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> queueDepth() == 0); // deleted once the function answered
    }

    @Test
    void shouldGatherWhatArrivesWithinTheWindow_intoOneBatchOfMoreThanOneReceive() {
        Recording function = new Recording();
        poll(function, 100, Duration.ofSeconds(2));

        send(1);
        send(IntStream.rangeClosed(2, 25).toArray());

        await().atMost(Duration.ofSeconds(10)).until(() -> delivered(function) == 25);
        assertThat(function.batches).hasSize(1);
        assertThat(function.batches.get(0)).hasSize(25).contains("m1", "m25");
        await().atMost(Duration.ofSeconds(10)).until(() -> queueDepth() == 0); // deleted once the function answered
    }

    @Test
    void shouldInvokeAsSoonAsTheBatchIsFull_beforeTheWindowCloses() {
        Recording function = new Recording();
        poll(function, 12, Duration.ofSeconds(30));

        send(IntStream.rangeClosed(1, 30).toArray());

        // The window would hold a batch for 30 s; two full ones go at once, the last six wait.
        await().atMost(Duration.ofSeconds(10)).until(() -> function.batches.size() == 2);
        assertThat(function.batches).allSatisfy(batch -> assertThat(batch).hasSize(12));
        await().atMost(Duration.ofSeconds(10)).until(() -> queueDepth() == 6);
    }

    @Test
    void shouldHandItsBatchBack_whenStoppedWhileTheFunctionRuns() throws InterruptedException {
        Answering function = new Answering(CompletableFuture::new); // never
        poll(function, 10, Duration.ZERO);
        send(1, 2, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> function.invocations.get() > 0);

        stopPolling();

        // Visible again at once, not after the queue's 30 s visibility timeout: a restart's save finds them.
        assertThat(visibleAndInFlight()).containsExactly(3, 0);
    }

    @Test
    void shouldHandBackWhatAFailedInvocationLeftInFlight_whenStopped() throws InterruptedException {
        poll(new Answering(() -> CompletableFuture.completedFuture(new LocalFunction.Result(
                LocalFunction.Outcome.ERROR, "{\"errorMessage\":\"Runtime exited with code 137\"}"))),
                10, Duration.ZERO);
        send(1, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> visibleAndInFlight().equals(List.of(0, 2)));

        stopPolling();

        // In flight for the queue's 30 s otherwise, and ElasticMQ's memory does not outlive a restart.
        assertThat(visibleAndInFlight()).containsExactly(2, 0);
    }

    @Test
    void shouldLeaveNothingInFlight_whenStoppedJustAsMessagesArrive() throws InterruptedException {
        for (int round = 0; round < 10; round++) {
            Recording function = new Recording();
            poll(function, 10, Duration.ZERO);
            send(1, 2);

            stopPolling(); // most often while a receive is waiting or has just returned

            assertThat(visibleAndInFlight().get(1)).as("in flight after round %d", round).isZero();
            assertThat(visibleAndInFlight().get(0) + delivered(function)).as("round %d", round).isEqualTo(2);
            sqs.client().purgeQueue(r -> r.queueUrl(queueUrl));
        }
    }

    private void poll(Invocable function, int batchSize, Duration window) {
        EventSourceMapping mapping = new EventSourceMapping("Mapping", function.name(), SqsEmulator.queueArn(queueUrl),
                true, batchSize, (int) window.toSeconds(), List.of("ReportBatchItemFailures"), null);
        SqsPoller sqsPoller = new SqsPoller(sqs.client(), queueUrl, SqsEmulator.queueArn(queueUrl), function,
                mapping, true);
        Thread poller = new Thread(sqsPoller, "test-poller");
        poller.setDaemon(true);
        poller.start();
        pollers.add(poller);
        stops.add(sqsPoller);
    }

    private void stopPolling() throws InterruptedException {
        stops.forEach(SqsPoller::stop);
        for (Thread poller : pollers) {
            poller.join(10_000);
            assertThat(poller.isAlive()).as("a poller still running after its stop").isFalse();
        }
        stops.clear();
        pollers.clear();
    }

    private void send(int... numbers) {
        for (int from = 0; from < numbers.length; from += 10) {
            List<SendMessageBatchRequestEntry> entries = IntStream.range(from, Math.min(numbers.length, from + 10))
                    .mapToObj(i -> SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("m" + numbers[i])
                            .build())
                    .toList();
            sqs.client().sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        }
    }

    private static int delivered(Recording function) {
        synchronized (function.batches) {
            return function.batches.stream().mapToInt(List::size).sum();
        }
    }

    private List<Integer> visibleAndInFlight() {
        var attributes = sqs.client().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return List.of(Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
    }

    /** Messages in the queue, visible or in flight: what the poller has not yet deleted. */
    private int queueDepth() {
        return visibleAndInFlight().stream().mapToInt(Integer::intValue).sum();
    }
}
