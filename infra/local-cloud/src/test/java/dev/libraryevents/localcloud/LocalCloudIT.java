package dev.libraryevents.localcloud;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole system end to end over HTTP, on a local cloud started from the freshly synthesized template. */
class LocalCloudIT {

    private static LocalCloud cloud;
    private static Stack.Api api;

    @BeforeAll
    static void startTheLocalCloud() throws Exception {
        cloud = Stack.start(null, null);
        api = new Stack.Api(cloud.apiUrl());
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void shouldRunTheLendingLifecycle_withEveryConsumersResult() throws Exception {
        Scenarios.lifecycle(api);
    }
}
