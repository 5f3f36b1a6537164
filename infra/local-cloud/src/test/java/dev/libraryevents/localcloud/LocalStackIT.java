package dev.libraryevents.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same end-to-end scenario against LocalStack, deployed with the project's own {@code cdk deploy}. Needs
 * Docker; skipped where there is none. 4.14.0 is the last LocalStack image that runs without an auth token
 * (set LOCALSTACK_AUTH_TOKEN for newer ones).
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIT {

    private static final Path ROOT = Stack.repositoryRoot();

    @Container
    private static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.14.0"));

    private static Stack.Api api;

    @BeforeAll
    static void deploy() throws Exception {
        Path outputs = ROOT.resolve("target").resolve("localstack-outputs.json");
        cdk("bootstrap");
        cdk("deploy", "--require-approval", "never", "-c", "deletionProtection=false",
                "--outputs-file", outputs.toString());
        api = new Stack.Api(apiUrl(new ObjectMapper().readTree(outputs.toFile())));
    }

    @Test
    void shouldRunTheLendingLifecycle_withEveryConsumersResult() throws Exception {
        Scenarios.lifecycle(api);
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

    /** The RestApi construct's endpoint output: the one output whose value is the stage URL. */
    private static URI apiUrl(JsonNode outputs) {
        for (Iterator<Map.Entry<String, JsonNode>> it = outputs.path("LibraryEvents").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> output = it.next();
            if (output.getKey().contains("Endpoint")) {
                String url = output.getValue().asText();
                return URI.create(url.endsWith("/") ? url : url + "/");
            }
        }
        throw new IllegalStateException("no API endpoint among the stack outputs " + outputs);
    }
}
