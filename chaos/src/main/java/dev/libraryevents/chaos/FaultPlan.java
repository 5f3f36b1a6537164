package dev.libraryevents.chaos;

import dev.libraryevents.localcloud.hooks.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Which faults strike when, drawn from a seed before the run begins, so that a seed printed with a report gives
 * the same schedule again: faults arrive at random (exponential gaps around {@code meanGap}), each of a kind, a
 * target and a length drawn at random; the whole cloud stops and starts again once, halfway. The load's timing
 * still varies from run to run: a seed replays the faults and the clients' choices, not the interleaving.
 */
final class FaultPlan {

    enum Kind {
        /** SIGKILL of a function's JVM while it runs an invocation. */
        KILL,
        /** A consumer's event source mapping disabled, then enabled again. */
        MAPPING_DISABLED,
        /** Every DynamoDB request of one function answered with ProvisionedThroughputExceededException. */
        DYNAMODB_THROTTLED,
        /** A share of PutEvents entries failed by the bus (the call succeeds, the entries report InternalFailure). */
        PUT_EVENTS_FAILING,
        /** The whole local cloud stopped and started again on its data directory. */
        CLOUD_RESTART
    }

    /**
     * One fault: when it strikes (from the start of the load), what, against which function, for how long (for a
     * kill: how long into an invocation, or negative for as the handler answers).
     */
    record Fault(Duration at, Kind kind, String target, Duration lasting, double share) {

        String describe() {
            return switch (kind) {
                case KILL -> "SIGKILL " + target + (lasting.isNegative() ? " as it answers"
                        : " " + lasting.toMillis() + " ms into an invocation");
                case MAPPING_DISABLED -> target + "'s mapping disabled for " + lasting.toSeconds() + " s";
                case DYNAMODB_THROTTLED -> target + "'s DynamoDB requests throttled for " + lasting.toSeconds() + " s";
                case PUT_EVENTS_FAILING -> Math.round(share * 100) + " % of PutEvents entries failing for "
                        + lasting.toSeconds() + " s";
                case CLOUD_RESTART -> "the local cloud stopped and started again";
            };
        }
    }

    /** Functions whose JVMs get killed: the API that writes, every relay, every consumer. */
    static final List<String> KILLED = List.of("LibraryApi", "LibraryOutboxRelay", "NotificationOutboxRelay",
            "AnalyticsOutboxRelay", "AuditOutboxRelay", "NotificationConsumerFunction", "AnalyticsConsumerFunction",
            "AuditConsumerFunction");
    /** Functions whose DynamoDB requests get throttled: the API that writes, every consumer. */
    static final List<String> THROTTLED = List.of("LibraryApi", "NotificationConsumerFunction",
            "AnalyticsConsumerFunction", "AuditConsumerFunction");
    static final List<String> CONSUMERS = List.of("NotificationConsumerFunction", "AnalyticsConsumerFunction",
            "AuditConsumerFunction");

    private FaultPlan() {}

    /** The faults of a run of {@code length}, in the order they strike. */
    static List<Fault> draw(long seed, Duration length, Duration meanGap) {
        Random random = new Random(seed);
        List<Fault> faults = new ArrayList<>();
        Duration restartAt = length.dividedBy(2);
        boolean restarted = false;
        // Faults stop a little before the load does, so that the last one's effect is under load too.
        long endMillis = length.toMillis() - Math.min(5_000, length.toMillis() / 10);
        long at = draw(random, meanGap);
        while (at < endMillis) {
            if (!restarted && at >= restartAt.toMillis()) {
                faults.add(new Fault(restartAt, Kind.CLOUD_RESTART, "", Duration.ZERO, 0));
                restarted = true;
            }
            int dice = random.nextInt(100);
            Fault fault;
            if (dice < 40) {
                // Half of the kills strike as the handler answers: its work done, its answer lost.
                Duration into = random.nextBoolean() ? Duration.ofMillis(-1) : Duration.ofMillis(random.nextInt(20));
                fault = new Fault(Duration.ofMillis(at), Kind.KILL, pick(random, KILLED), into, 0);
            } else if (dice < 55) {
                fault = new Fault(Duration.ofMillis(at), Kind.MAPPING_DISABLED, pick(random, CONSUMERS),
                        Duration.ofSeconds(5 + random.nextInt(16)), 0);
            } else if (dice < 75) {
                fault = new Fault(Duration.ofMillis(at), Kind.DYNAMODB_THROTTLED, pick(random, THROTTLED),
                        Duration.ofSeconds(2 + random.nextInt(7)), 0);
            } else {
                fault = new Fault(Duration.ofMillis(at), Kind.PUT_EVENTS_FAILING, "", Duration.ofSeconds(
                        5 + random.nextInt(11)), 0.2 + random.nextInt(4) / 10.0);
            }
            faults.add(fault);
            at += draw(random, meanGap);
        }
        if (!restarted) {
            faults.add(new Fault(restartAt, Kind.CLOUD_RESTART, "", Duration.ZERO, 0));
        }
        return faults;
    }

    /** An exponential gap, at least half a second. */
    private static long draw(Random random, Duration meanGap) {
        return Math.max(500, Math.round(-Math.log(1 - random.nextDouble()) * meanGap.toMillis()));
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
