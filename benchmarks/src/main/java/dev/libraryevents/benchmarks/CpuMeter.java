package dev.libraryevents.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where this machine's CPU went while it ran: the function JVMs (the local cloud's child processes), the
 * benchmark's clients (the threads that run them, {@link #client}, and their HTTP client's, {@link #clientThreads}),
 * and the rest of this JVM, which is the local cloud itself: DynamoDB Local, ElasticMQ, the emulated API, bus and
 * Lambda service (and the clients' HTTP selector thread, which cannot be told apart). Child processes are sampled
 * every 250 ms, so one that exits meanwhile loses at most its last 250 ms.
 */
final class CpuMeter {

    /** CPU seconds by where they went, over {@code elapsedSeconds} of wall time on {@code cores} cores. */
    record Use(double functions, double localCloud, double clients, double elapsedSeconds, int cores) {
        double total() {
            return functions + localCloud + clients;
        }

        /** The share of the machine's CPU time that was used. */
        double busy() {
            return total() / (elapsedSeconds * cores);
        }
    }

    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);
    private static final String CLIENT_THREAD = "benchmark-http-";
    private static final AtomicInteger CLIENT_THREADS = new AtomicInteger();

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> childNanosAtStart = new ConcurrentHashMap<>();
    private final Map<Long, Long> childNanosLastSeen = new ConcurrentHashMap<>();
    private final LongAdder clientNanos = new LongAdder();
    private final Map<Long, Long> clientThreadNanosAtStart = clientThreadNanos();
    private final long processNanosAtStart = cpuNanos(ProcessHandle.current());
    private final long startedNanos = System.nanoTime();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cpu-meter");
        thread.setDaemon(true);
        return thread;
    });

    CpuMeter() {
        ProcessHandle.current().descendants().forEach(child -> childNanosAtStart.put(child.pid(), cpuNanos(child)));
        sampler.scheduleAtFixedRate(this::sampleChildren, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The executor for the clients' HTTP client: its threads' CPU time is counted as the clients'. They live ten
     * idle minutes, so that a run's threads are still there to be read when it ends.
     */
    static ExecutorService clientThreads() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.MINUTES, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, CLIENT_THREAD + CLIENT_THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** The task, its thread's CPU time counted as a client's. */
    <T> Callable<T> client(Callable<T> task) {
        return () -> {
            long before = threads.getCurrentThreadCpuTime();
            try {
                return task.call();
            } finally {
                clientNanos.add(threads.getCurrentThreadCpuTime() - before);
            }
        };
    }

    /**
     * What was used since the meter started; the meter stops.
     *
     * @param endNanos where the measured span ends ({@link System#nanoTime}): the work's end, which a quiet wait
     *                 before this call would otherwise lengthen
     */
    Use stop(long endNanos) {
        sampler.shutdownNow();
        sampleChildren();
        double elapsed = (Math.max(endNanos, startedNanos + 1) - startedNanos) / 1e9;
        long functions = childNanosLastSeen.entrySet().stream()
                .mapToLong(child -> child.getValue() - childNanosAtStart.getOrDefault(child.getKey(), 0L)).sum();
        long thisJvm = cpuNanos(ProcessHandle.current()) - processNanosAtStart;
        long clients = clientNanos.sum() + clientThreadNanos().entrySet().stream()
                .mapToLong(thread -> thread.getValue() - clientThreadNanosAtStart.getOrDefault(thread.getKey(), 0L))
                .sum();
        return new Use(functions / 1e9, Math.max(0, thisJvm - clients) / 1e9, clients / 1e9, elapsed,
                Runtime.getRuntime().availableProcessors());
    }

    private void sampleChildren() {
        ProcessHandle.current().descendants().forEach(child -> {
            long nanos = cpuNanos(child);
            if (nanos > 0) {
                childNanosLastSeen.merge(child.pid(), nanos, Math::max);
            }
        });
    }

    /** CPU nanoseconds of each live client HTTP thread, by thread id. */
    private Map<Long, Long> clientThreadNanos() {
        Map<Long, Long> nanos = new HashMap<>();
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(CLIENT_THREAD)) {
                long cpu = threads.getThreadCpuTime(thread.getThreadId());
                if (cpu >= 0) {
                    nanos.put(thread.getThreadId(), cpu);
                }
            }
        }
        return nanos;
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
