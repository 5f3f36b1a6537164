package dev.libraryevents.systemtests;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end and fault scenarios against LocalStack, deployed with the project's own {@code cdk deploy} and
 * found through CloudFormation's outputs, as on AWS, and signed in through the stack's user pool with the same token
 * flow ({@code Stack.SignIns}). Needs Docker and, since the stack has a Cognito user pool (a LocalStack Pro
 * service), LOCALSTACK_AUTH_TOKEN; skipped without either.
 */
@Testcontainers(disabledWithoutDocker = true)
@EnabledIfEnvironmentVariable(named = "LOCALSTACK_AUTH_TOKEN", matches = ".+")
class LocalStackIT extends FaultScenarioTests {

    private static final Path ROOT = Stack.repositoryRoot();

    @Container
    private static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName
            .parse("localstack/localstack-pro:4.14.0").asCompatibleSubstituteFor("localstack/localstack"))
            .withEnv("LOCALSTACK_AUTH_TOKEN", Objects.requireNonNullElse(System.getenv("LOCALSTACK_AUTH_TOKEN"), ""));

    @BeforeAll
    static void deploy() throws Exception {
        cdk("bootstrap");
        cdk("deploy", "--require-approval", "never", "-c", "deletionProtection=false");
        deployment = Deployment.at(LOCALSTACK.getEndpoint(), "LibraryEvents");
    }

    @Test
    void shouldRunTheLendingLifecycle_withEveryConsumersResult() throws Exception {
        Scenarios.lifecycle(deployment.api);
    }

    @Test
    void shouldLetAMemberDoTheirOwnThings_andALibrarianEverything() throws Exception {
        Scenarios.memberAndLibrarian(deployment.api, deployment.api.as(deployment.signIns.member()));
    }

    private static void cdk(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("npx", "cdk"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).inheritIO();
        builder.environment().putAll(Map.of(
                "AWS_ENDPOINT_URL", LOCALSTACK.getEndpoint().toString(),
                "AWS_ACCESS_KEY_ID", LOCALSTACK.getAccessKey(),
                "AWS_SECRET_ACCESS_KEY", LOCALSTACK.getSecretKey(),
                "AWS_REGION", LOCALSTACK.getRegion(),
                "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"));
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("cdk " + String.join(" ", args) + " failed");
        }
    }
}
