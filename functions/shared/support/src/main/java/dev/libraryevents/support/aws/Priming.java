package dev.libraryevents.support.aws;

import dev.libraryevents.support.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * SnapStart's priming: Lambda snapshots a published version once its init ends, and every cold start restores that
 * snapshot. Whatever the init loaded and compiled is in it; what only the first request would load is not. So
 * before the snapshot ({@code beforeCheckpoint}) the handler runs its hot path on a canned event that touches no
 * real data: reads of keys that cannot exist, writes whose condition cannot hold, a bus entry the bus refuses.
 *
 * <p>The hook is registered with {@code org.crac}, which Lambda's Java runtime bridges to its own CRaC context (and
 * the local cloud does as Lambda does). Without SnapStart nothing calls it. A priming that fails is logged and the
 * snapshot is taken anyway: priming makes the first request faster, never correct.
 */
public final class Priming implements Resource {

    /** Where Lambda's Java runtime puts the invocation's X-Ray trace header, and the AWS SDK looks for it. */
    private static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";

    private final Runnable prime;

    private Priming(Runnable prime) {
        this.prime = prime;
    }

    /**
     * Runs {@code prime} before the snapshot. Keep the returned object referenced as long as the handler lives:
     * CRaC contexts hold their resources weakly.
     */
    public static Priming register(Runnable prime) {
        Priming priming = new Priming(prime);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /**
     * Runs {@code items} in one transaction together with a condition that cannot hold, so that the transaction's
     * whole path runs (marshalling, the call, its cancellation) and nothing is written.
     */
    public static void cancelledTransaction(DynamoDbClient dynamoDb, String tableName, List<TransactWriteItem> items) {
        List<TransactWriteItem> cancelled = new ArrayList<>(items);
        cancelled.add(TransactWriteItem.builder().put(refusedPut(tableName)).build());
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(cancelled));
            throw new IllegalStateException("a priming transaction met a condition that cannot hold");
        } catch (TransactionCanceledException expected) {
            // nothing was written
        }
    }

    /** A conditional put that cannot succeed: its condition is that a random new key exists already. */
    public static void refusedPut(DynamoDbClient dynamoDb, String tableName) {
        try {
            TransactionItems.putAlone(dynamoDb, refusedPut(tableName));
            throw new IllegalStateException("a priming put found an item that cannot exist");
        } catch (ConditionalCheckFailedException expected) {
            // nothing was written
        }
    }

    /** A put, not a {@code ConditionCheck}: the functions that write may put, and need no other permission. */
    private static Put refusedPut(String tableName) {
        return Put.builder().tableName(tableName)
                .item(Map.of(Items.PARTITION_KEY, Items.s("PRIMING#" + UUID.randomUUID()),
                        Items.SORT_KEY, Items.s("PRIMING")))
                .conditionExpression("attribute_exists(pk)").build();
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        // During an invocation Lambda's runtime sets the X-Ray trace header, and the SDK copies it onto each
        // request: set one while priming, so that that path is in the snapshot too.
        String traceHeader = System.getProperty(TRACE_HEADER_PROPERTY);
        System.setProperty(TRACE_HEADER_PROPERTY, "Root=1-00000000-000000000000000000000000;Sampled=0");
        try {
            prime.run();
            Log.info("primed for the snapshot")
                    .with("durationMs", Long.toString((System.nanoTime() - started) / 1_000_000)).write();
        } catch (RuntimeException e) {
            Log.warn("priming failed; the snapshot is taken without it").with("detail", e.toString()).write();
        } finally {
            if (traceHeader == null) {
                System.clearProperty(TRACE_HEADER_PROPERTY);
            } else {
                System.setProperty(TRACE_HEADER_PROPERTY, traceHeader);
            }
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to renew: clients resolve credentials per request, and connections are opened on demand.
    }
}
