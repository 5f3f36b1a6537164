package dev.libraryevents.systemtests;

import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The portable fault scenarios as tests: the IT of each place a stack runs (the local cloud, LocalStack, AWS)
 * extends this and says where its deployment is, in its {@code @BeforeAll}; it is closed after the IT's tests.
 */
abstract class FaultScenarioTests {

    /** The stack under test, set by the extending IT before its tests. */
    static Deployment deployment;

    @AfterAll
    static void closeTheDeployment() {
        if (deployment != null) {
            deployment.close();
            deployment = null;
        }
    }

    private static FaultScenarios scenarios() {
        return new FaultScenarios(deployment);
    }

    /** The bus's count of accepted events where the deployment can tell (the local cloud); null elsewhere. */
    LongSupplier eventsOnTheBus() {
        return null;
    }

    @Test
    void shouldTakeEffectOnce_whenTheSameEventIsPutTwice() throws Exception {
        scenarios().duplicatesTakeEffectOnce();
    }

    @Test
    void shouldParkAFailingEventInTheDlq_andProcessItAfterRedrive_onceFixed() throws Exception {
        scenarios().failingEventsWaitInTheDlq_andTakeEffectAfterRedrive();
    }

    @Test
    void shouldLoseNothing_whenAConsumerIsDownForAWhile() throws Exception {
        scenarios().nothingIsLost_whenAConsumerIsDownForAWhile();
    }

    @Test
    void shouldReplayArchivedEvents_asDuplicatesThatChangeNothing() throws Exception {
        scenarios().archiveReplayChangesNothing(eventsOnTheBus());
    }
}
