package dev.libraryevents.benchmarks;

import dev.libraryevents.localcloud.LocalCloud;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sequential borrow/return workflows, one user each: the API latency of both calls, and for each borrow the time
 * from its 201 until the borrow confirmation, the usage report and the audit row are readable through the API
 * (each watched by its own client, reading it through the API every few milliseconds).
 */
final class Latency {

    static final Duration POLL_PAUSE = Duration.ofMillis(5);

    /**
     * @param watcherReads the API reads the three watchers made, all workflows together: each is a request to the
     *                     API and an invocation, on the same cores as the pipeline they watch
     * @param cpu          where the CPU went meanwhile
     */
    record Results(int workflows, List<Double> api, List<Double> notification, List<Double> report,
                   List<Double> audit, long watcherReads, CpuMeter.Use cpu) {}

    private final LocalCloud cloud;
    private final LibraryClient client;

    Latency(LocalCloud cloud, LibraryClient client) {
        this.cloud = cloud;
        this.client = client;
    }

    Results measure(int workflows) throws Exception {
        String bookId = client.addBook(5);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < workflows; i++) {
            users.add(client.registerUser());
        }
        cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(5));
        long reported = client.borrowingsReported();
        List<Double> api = new ArrayList<>();
        List<Double> notifications = new ArrayList<>();
        List<Double> reports = new ArrayList<>();
        List<Double> audits = new ArrayList<>();
        AtomicLong reads = new AtomicLong();
        CpuMeter cpu = new CpuMeter();
        ExecutorService watchers = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < workflows; i++) {
                String userId = users.get(i);
                LibraryClient.Answer borrowed = client.borrow(userId, bookId);
                long created = System.nanoTime();
                String borrowingId = borrowed.field("borrowingId");
                long expected = reported + i + 1;
                Future<Double> notification = watchers.submit(until(created, reads,
                        () -> client.borrowConfirmationReadable(userId)));
                Future<Double> report = watchers.submit(until(created, reads,
                        () -> client.borrowingsReported() >= expected));
                Future<Double> audit = watchers.submit(until(created, reads,
                        () -> client.auditRowReadable(borrowingId)));
                notifications.add(notification.get());
                reports.add(report.get());
                audits.add(audit.get());
                api.add(borrowed.millis());
                api.add(client.giveBack(borrowingId).millis());
            }
        } finally {
            watchers.shutdownNow();
        }
        return new Results(workflows, api, notifications, reports, audits, reads.get(),
                cpu.stop(System.nanoTime()));
    }

    /**
     * Milliseconds from {@code since} until the condition holds, asked every {@link #POLL_PAUSE} after the last
     * answer: three clients reading without pause would take the CPU the pipeline they watch needs. Each read
     * counts in {@code reads}. Gives up after a minute.
     */
    private static Callable<Double> until(long since, AtomicLong reads, Callable<Boolean> condition) {
        return () -> {
            long deadline = since + Duration.ofMinutes(1).toNanos();
            while (true) {
                reads.incrementAndGet();
                if (condition.call()) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not readable within a minute");
                }
                LockSupport.parkNanos(POLL_PAUSE.toNanos());
            }
            return (System.nanoTime() - since) / 1e6;
        };
    }
}
