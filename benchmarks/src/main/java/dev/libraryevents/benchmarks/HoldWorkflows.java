package dev.libraryevents.benchmarks;

import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.hooks.Metering;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The holds' workflow (docs/design.md §4d), priced as the borrow and return is: a member queues for a book whose one
 * copy is out, its borrower returns it (the return readies the hold, in its own transaction), and the member
 * collects it (the borrow fulfils the hold). Sequential, one book each; what the local cloud meters from the first
 * hold to the drain, every service's share, divided by the workflows.
 */
final class HoldWorkflows {

    /** The API requests of one: the hold, the return, the borrow. */
    static final int API_REQUESTS = 3;

    private final LocalCloud cloud;
    private final LibraryClient client;

    HoldWorkflows(LocalCloud cloud, LibraryClient client) {
        this.cloud = cloud;
        this.client = client;
    }

    Throughput.Run measure(int workflows) throws Exception {
        List<String[]> setups = new ArrayList<>();
        for (int i = 0; i < workflows; i++) {
            String bookId = client.addBook(1);
            String borrowingId = client.borrow(client.registerUser(), bookId).field("borrowingId");
            setups.add(new String[] {bookId, borrowingId, client.registerUser()});
        }
        cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(5));
        Map<String, Double> before = cloud.hooks().metering().snapshot();
        long logsBefore = logBytes();
        long started = System.nanoTime();
        for (String[] setup : setups) {
            client.placeHold(setup[2], setup[0]);
            client.giveBack(setup[1]);
            client.borrow(setup[2], setup[0]);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(10))) {
            throw new IllegalStateException("the pipeline did not drain within 10 minutes");
        }
        Map<String, Double> usage = Metering.difference(before, cloud.hooks().metering().snapshot());
        return new Throughput.Run(1, workflows, seconds, 0, workflows, 0, usage, logBytes() - logsBefore, null,
                null);
    }

    private long logBytes() throws Exception {
        return cloud.hooks().logBytes().values().stream().mapToLong(Long::longValue).sum();
    }
}
