package dev.libraryevents.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
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

    /**
     * CPU seconds by where they went, over {@code elapsedSeconds} of wall time on {@code cores} cores; the local
     * cloud's also by {@link Part}, in the order of that enum.
     */
    record Use(double functions, double localCloud, double clients, double elapsedSeconds, int cores,
               Map<Part, Double> localCloudParts) {
        double total() {
            return functions + localCloud + clients;
        }

        /** The share of the machine's CPU time that was used. */
        double busy() {
            return total() / (elapsedSeconds * cores);
        }
    }

    /**
     * The local cloud's parts, told apart by the names of the threads that do their work. What no live thread
     * accounts for is the JVM's own (JIT compiler, GC) and threads that ended during the run.
     */
    enum Part {
        DYNAMODB_LOCAL("DynamoDB Local (its Jetty and SQLite threads)"),
        ELASTICMQ("ElasticMQ"),
        AWS_ENDPOINT("the AWS endpoint (IAM, metering, forwarding; EventBridge and its rules) and the JDK's HTTP "
                + "server and client threads"),
        API_GATEWAY("the emulated API Gateway"),
        RUNTIME_API("the Lambda Runtime API"),
        POLLERS("the event source mappings' pollers"),
        OTHER_THREADS("other threads"),
        JVM("the JVM itself (JIT, GC) and threads that ended");

        final String description;

        Part(String description) {
            this.description = description;
        }

        /** The part a local-cloud thread works for, by the name {@code infra/local-cloud} gives it. */
        static Part of(String threadName) {
            if (threadName.startsWith("qtp") || threadName.startsWith("SQLiteQueue")) {
                return DYNAMODB_LOCAL;
            } else if (threadName.startsWith("elasticmq")) {
                return ELASTICMQ;
            } else if (threadName.startsWith("http") || threadName.startsWith("HTTP-Dispatcher")
                    || threadName.startsWith("HttpClient-")) {
                return AWS_ENDPOINT;
            } else if (threadName.startsWith("api")) {
                return API_GATEWAY;
            } else if (threadName.endsWith("-runtime-api")) {
                return RUNTIME_API;
            } else if (threadName.startsWith("mapping-")) {
                return POLLERS;
            }
            return OTHER_THREADS;
        }
    }

    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);
    private static final String CLIENT_THREAD = "benchmark-http-";
    private static final AtomicInteger CLIENT_THREADS = new AtomicInteger();

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> childNanosAtStart = new ConcurrentHashMap<>();
    private final Map<Long, Long> childNanosLastSeen = new ConcurrentHashMap<>();
    private final LongAdder clientNanos = new LongAdder();
    /** The threads {@link #client} ran tasks on: counted as the clients', not in the local cloud's parts. */
    private final Set<Long> clientThreadIds = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> clientThreadNanosAtStart = threadNanos(true);
    private final Map<Long, Long> cloudThreadNanosAtStart = threadNanos(false);
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
            clientThreadIds.add(Thread.currentThread().getId());
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
        long clients = clientNanos.sum() + since(clientThreadNanosAtStart, threadNanos(true)).values().stream()
                .mapToLong(Long::longValue).sum();
        long localCloud = Math.max(0, thisJvm - clients);
        Map<Part, Double> parts = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            parts.put(part, 0.0);
        }
        long inThreads = 0;
        for (Map.Entry<Long, Long> thread : since(cloudThreadNanosAtStart, threadNanos(false)).entrySet()) {
            ThreadInfo info = threads.getThreadInfo(thread.getKey());
            if (info != null && !clientThreadIds.contains(thread.getKey())) {
                parts.merge(Part.of(info.getThreadName()), thread.getValue() / 1e9, Double::sum);
                inThreads += thread.getValue();
            }
        }
        parts.put(Part.JVM, Math.max(0, localCloud - inThreads) / 1e9);
        return new Use(functions / 1e9, localCloud / 1e9, clients / 1e9, elapsed,
                Runtime.getRuntime().availableProcessors(), parts);
    }

    /** Each thread's CPU nanoseconds since the start ({@code atStart}): a thread started since counts in full. */
    private static Map<Long, Long> since(Map<Long, Long> atStart, Map<Long, Long> now) {
        Map<Long, Long> used = new HashMap<>();
        now.forEach((thread, nanos) -> used.put(thread, nanos - atStart.getOrDefault(thread, 0L)));
        return used;
    }

    private void sampleChildren() {
        ProcessHandle.current().descendants().forEach(child -> {
            long nanos = cpuNanos(child);
            if (nanos > 0) {
                childNanosLastSeen.merge(child.pid(), nanos, Math::max);
            }
        });
    }

    /**
     * CPU nanoseconds of each live thread, by thread id: the clients' HTTP threads, or all the others (the local
     * cloud's, and the clients' own, which {@link #client} counts apart).
     */
    private Map<Long, Long> threadNanos(boolean clientHttp) {
        Map<Long, Long> nanos = new HashMap<>();
        for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().startsWith(CLIENT_THREAD) == clientHttp) {
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
