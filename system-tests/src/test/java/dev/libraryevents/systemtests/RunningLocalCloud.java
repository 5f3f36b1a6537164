package dev.libraryevents.systemtests;

import dev.libraryevents.localcloud.LocalCloud;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one lifecycle of an end-to-end suite on the local cloud: a {@code static} field registered with
 * {@code @RegisterExtension} starts a local cloud from the freshly synthesized template before the class's tests (and
 * before its own {@code @BeforeAll}), and JUnit closes it, and the deployment's clients, once the class is done.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RunningLocalCloud CLOUD = RunningLocalCloud.withQueueVisibility(Duration.ofSeconds(3));
 * }</pre>
 */
final class RunningLocalCloud implements BeforeAllCallback {

    private final Duration queueVisibility;
    private Running running;

    private RunningLocalCloud(Duration queueVisibility) {
        this.queueVisibility = queueVisibility;
    }

    /** With the template's queue visibility timeouts. */
    static RunningLocalCloud started() {
        return new RunningLocalCloud(null);
    }

    /** With every queue's visibility timeout shortened, so that a failing message reaches its DLQ in seconds. */
    static RunningLocalCloud withQueueVisibility(Duration queueVisibility) {
        return new RunningLocalCloud(queueVisibility);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        running = new Running(Stack.start(null, queueVisibility));
        context.getStore(ExtensionContext.Namespace.create(RunningLocalCloud.class, context.getUniqueId()))
                .put(Running.class, running);
    }

    LocalCloud cloud() {
        return running.cloud;
    }

    /** The stack as AWS's APIs show it (made on first use: it signs in a librarian of the stack's user pool). */
    synchronized Deployment deployment() {
        if (running.deployment == null) {
            running.deployment = Deployment.at(running.cloud.awsEndpoint(), running.cloud.stackName());
        }
        return running.deployment;
    }

    /** What JUnit closes when the class's store goes: the deployment's clients, then the cloud. */
    private static final class Running implements ExtensionContext.Store.CloseableResource {

        private final LocalCloud cloud;
        private Deployment deployment;

        Running(LocalCloud cloud) {
            this.cloud = cloud;
        }

        @Override
        public void close() {
            if (deployment != null) {
                deployment.close();
            }
            cloud.close();
        }
    }
}
