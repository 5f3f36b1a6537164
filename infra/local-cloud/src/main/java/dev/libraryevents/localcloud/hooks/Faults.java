package dev.libraryevents.localcloud.hooks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults the local cloud injects on request (bin/chaos), in AWS's own words so that the functions meet them as they
 * would on AWS: a function's DynamoDB requests throttled ({@code ProvisionedThroughputExceededException}) and
 * PutEvents entries failed ({@code InternalFailure} in the entry's result, the call itself succeeding). Each lasts
 * for a while and ends on its own. AWS's Fault Injection Service offers the like; nothing here is reachable through
 * an AWS API, and a cloud nobody asks for faults has none.
 */
public final class Faults {

    /** What DynamoDB answers a throttled request, as its JSON protocol's {@code __type}. */
    public static final String THROTTLED = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException";
    public static final String THROTTLED_MESSAGE = "The level of configured provisioned throughput for the table was "
            + "exceeded. Consider increasing your provisioning level with the UpdateTable API.";
    /** The error code of a PutEvents entry the bus failed to take, which the caller should send again. */
    public static final String ENTRY_FAILED = "InternalFailure";

    private final Map<String, Long> throttledUntil = new ConcurrentHashMap<>();
    private volatile long putEventsFailingUntil;
    private volatile double putEventsFailureShare;
    private final AtomicLong throttledRequests = new AtomicLong();
    private final AtomicLong failedEntries = new AtomicLong();

    /** Every DynamoDB request the function (its logical id, the access key it signs with) makes fails for a while. */
    public void throttleDynamoDb(String functionLogicalId, Duration duration) {
        throttledUntil.put(functionLogicalId, System.nanoTime() + duration.toNanos());
    }

    /** For a while, each PutEvents entry fails with this probability (and is not put on the bus). */
    public void failPutEvents(double share, Duration duration) {
        putEventsFailureShare = share;
        putEventsFailingUntil = System.nanoTime() + duration.toNanos();
    }

    /** Ends every fault at once. */
    public void clear() {
        throttledUntil.clear();
        putEventsFailingUntil = 0;
    }

    /** DynamoDB requests answered with a throttling error so far. */
    public long throttledRequests() {
        return throttledRequests.get();
    }

    /** PutEvents entries failed so far. */
    public long failedEntries() {
        return failedEntries.get();
    }

    /** Whether this caller's DynamoDB request is to be throttled now; counts it if so. */
    public boolean throttles(String caller) {
        Long until = throttledUntil.get(caller);
        if (until == null || System.nanoTime() - until > 0) {
            return false;
        }
        throttledRequests.incrementAndGet();
        return true;
    }

    /** Whether the next PutEvents entry is to fail; counts it if so. */
    public boolean failsEntry() {
        if (putEventsFailingUntil == 0 || System.nanoTime() - putEventsFailingUntil > 0
                || ThreadLocalRandom.current().nextDouble() >= putEventsFailureShare) {
            return false;
        }
        failedEntries.incrementAndGet();
        return true;
    }
}
