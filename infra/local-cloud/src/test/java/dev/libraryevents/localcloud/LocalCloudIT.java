package dev.libraryevents.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.assertj.core.api.Condition;
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
        api = Stack.librarian(cloud);
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

    @Test
    void shouldLetAMemberDoTheirOwnThings_andALibrarianEverything() throws Exception {
        try (Stack.SignIns signIns = Stack.SignIns.at(cloud.awsEndpoint(), "LibraryEvents")) {
            Scenarios.memberAndLibrarian(api, api.as(signIns.member()));
        }
    }

    @Test
    void shouldMeterEachFunctionsCalls_underItsOwnName() throws Exception {
        Scenarios.lifecycle(api);

        Map<String, Double> counters = cloud.metering().snapshot();
        assertThat(counters).hasKeySatisfying(key("request|LibraryApi", "|DynamoDB.TransactWriteItems"))
                .hasKeySatisfying(key("dynamodb.wru|LibraryApi", ""))
                .hasKeySatisfying(key("events.entries|LibraryOutboxRelay", ""))
                .hasKeySatisfying(key("lambda.records|AuditConsumerFunction", ""))
                .hasKeySatisfying(key("sqs|AuditConsumerQueue", "|DeleteMessageBatch"));
    }

    @Test
    void shouldStartAFreshCopyOfAFunction_withoutDisturbingTheRunningOne() throws Exception {
        String bookId = api.addBook("cold-start");
        String payload = cloud.firstPayload("LibraryApi");

        LocalCloud.ColdStart start = cloud.coldStart("LibraryApi", payload, LocalCloud.LAMBDA_JVM_OPTIONS);

        assertThat(start.succeeded()).isTrue();
        assertThat(start.initMillis()).isPositive();
        assertThat(start.invocationMillis()).isPositive();
        assertThat(api.get("/books/" + bookId).status()).isEqualTo(200);
    }

    private static Condition<String> key(String prefix, String suffix) {
        return new Condition<>(k -> k.startsWith(prefix) && k.endsWith(suffix), prefix + "…" + suffix);
    }
}
