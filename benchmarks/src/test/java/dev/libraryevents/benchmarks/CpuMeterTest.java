package dev.libraryevents.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void shouldCountAChildProcessAsAFunction_andClientTasksAndHttpThreadsAsClients() throws Exception {
        CpuMeter meter = new CpuMeter();
        Process child = new ProcessBuilder("timeout", "2.5", "sh", "-c", "while :; do :; done").start();
        // Long enough that the clients' CPU stands well above this JVM's own (a fresh JVM's JIT and GC take ~0.5 s).
        long spun = meter.client(() -> spin(TimeUnit.MILLISECONDS.toNanos(700))).call();
        long spunByHttpThread = CpuMeter.clientThreads().submit(() -> spin(TimeUnit.MILLISECONDS.toNanos(700)))
                .get();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        CpuMeter.Use use = meter.stop(System.nanoTime());

        assertThat(spun).isPositive();
        assertThat(spunByHttpThread).isPositive();
        assertThat(use.clients()).as("the wrapped task's and the HTTP thread's CPU seconds").isBetween(1.3, 2.5);
        assertThat(use.functions()).as("the child's CPU seconds, sampled before it exited").isGreaterThan(0.3);
        assertThat(use.localCloud()).as("the rest of this JVM, the client's time taken out").isLessThan(use.clients());
        assertThat(use.busy()).isBetween(0.0, 1.0);
    }

    /** Keeps this thread's CPU busy for {@code nanos} of its own CPU time. */
    private static long spin(long nanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long loops = 0;
        while (threads.getCurrentThreadCpuTime() - start < nanos) {
            loops++;
        }
        return loops;
    }
}
