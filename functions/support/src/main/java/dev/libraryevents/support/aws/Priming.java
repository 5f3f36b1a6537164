package dev.libraryevents.support.aws;

import dev.libraryevents.support.logging.Log;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

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

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        try {
            prime.run();
            Log.info("primed for the snapshot")
                    .with("durationMs", Long.toString((System.nanoTime() - started) / 1_000_000)).write();
        } catch (RuntimeException e) {
            Log.warn("priming failed; the snapshot is taken without it").with("detail", e.toString()).write();
        }
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to renew: clients resolve credentials per request, and connections are opened on demand.
    }
}
