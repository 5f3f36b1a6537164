package dev.libraryevents.systemtests;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The same scenarios against a stack deployed on AWS with {@code cdk deploy}: run with the profile and the stack's
 * name, e.g. {@code AWS_PROFILE=dev LIBRARY_EVENTS_STACK=LibraryEvents mvn -pl system-tests -am verify
 * -Dit.test=AwsStackIT}. Skipped otherwise. It changes the deployed stack for a while (a consumer disabled, one
 * misconfigured) and puts test data in it: a test account's stack, not production's.
 */
@EnabledIfEnvironmentVariable(named = "AWS_PROFILE", matches = ".+")
@EnabledIfEnvironmentVariable(named = "LIBRARY_EVENTS_STACK", matches = ".+")
class AwsStackIT extends FaultScenarioTests {

    @BeforeAll
    static void findTheStack() {
        deployment = Deployment.onAws(System.getenv("LIBRARY_EVENTS_STACK"));
    }

    @Test
    void shouldRunTheLendingLifecycle_withEveryConsumersResult() throws Exception {
        Scenarios.lifecycle(deployment.api);
    }

    @Test
    void shouldLetAMemberDoTheirOwnThings_andALibrarianEverything() throws Exception {
        Scenarios.memberAndLibrarian(deployment.api, deployment.api.as(deployment.signIns.member()));
    }
}
