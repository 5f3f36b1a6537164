package dev.libraryevents.infra;

import software.amazon.awscdk.Duration;

/**
 * Memory and timeout by role rather than by number at each function. Java functions get more CPU with more memory,
 * which matters most on a cold start; consumers get time for their largest batch (100 events for Analytics, summed
 * into a few transactions; 10 for the others, a few conditional puts each).
 */
public enum Sizing {
    API(1024, Duration.seconds(10)),
    CONSUMER(1024, Duration.seconds(30)),
    RELAY(512, Duration.seconds(30)),
    SCHEDULED(512, Duration.seconds(60));

    private final int memoryMb;
    private final Duration timeout;

    Sizing(int memoryMb, Duration timeout) {
        this.memoryMb = memoryMb;
        this.timeout = timeout;
    }

    public int memoryMb() {
        return memoryMb;
    }

    public Duration timeout() {
        return timeout;
    }
}
