package dev.libraryevents.localcloud;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Figures for the local cloud, printed, not asserted: boot time, every function's init duration, and the time
 * from a borrow's 201 to its audit row being readable (median of 20). Run:
 * {@code mvn -q -pl infra/local-cloud exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.libraryevents.localcloud.Measure}
 * after {@code mvn -B -ntp install -DskipTests}.
 */
public final class Measure {

    private Measure() {}

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        try (LocalCloud cloud = Stack.start(null, null)) {
            Stack.Api api = new Stack.Api(cloud.apiUrl());
            System.out.println("boot: " + cloud.bootMillis() + " ms");
            String bookId = api.addBook("measure-book");
            List<Long> propagation = new ArrayList<>();
            for (int i = 0; i <= samples; i++) {
                String userId = api.registerUser("measure-user-" + i);
                Stack.Api.Response borrowed = api.borrow(userId, bookId, "measure-" + i);
                long created = System.nanoTime();
                String path = "/audit/borrowings/" + borrowed.id("borrowingId");
                while (api.get(path).status() != 200) {
                    Thread.onSpinWait();
                }
                long millis = (System.nanoTime() - created) / 1_000_000;
                if (i > 0) { // the first one pays every cold start on the way
                    propagation.add(millis);
                }
                api.post("/borrowings/" + borrowed.id("borrowingId") + "/return", null, "measure-return-" + i);
            }
            Collections.sort(propagation);
            System.out.println("201 -> audit row readable, " + samples + " borrows: median "
                    + propagation.get(propagation.size() / 2) + " ms, min " + propagation.get(0) + " ms, max "
                    + propagation.get(propagation.size() - 1) + " ms");
            cloud.initDurations().forEach((function, init) -> System.out.println("init " + function + ": " + init
                    + " ms"));
        }
        System.exit(0); // ElasticMQ's actor system and DynamoDB Local's server may linger after their stop
    }
}
