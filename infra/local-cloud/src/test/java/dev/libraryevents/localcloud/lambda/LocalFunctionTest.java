package dev.libraryevents.localcloud.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.localcloud.LocalCloud;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Runtime API side of a function: real child JVMs under AWS's runtime interface client, running
 * {@link ScriptedHandler}: a result, a function error, a timeout that ends the environment, an environment killed
 * mid-invocation, a configuration update that the next environment sees, and init durations recorded.
 */
class LocalFunctionTest {

    @Test
    void shouldAnswerWithTheHandlersResult_andRecordTheInitDuration() throws Exception {
        try (LocalFunction function = function("echo", Duration.ofSeconds(10))) {
            LocalFunction.Result result = invoke(function, "{\"hello\":\"world\"}");

            assertThat(result.outcome()).isEqualTo(LocalFunction.Outcome.SUCCESS);
            assertThat(result.body()).contains("\"hello\":\"world\"").contains("\"variable\":\"hi\"");
            assertThat(function.initDurations()).hasSize(1).allSatisfy(ms -> assertThat(ms).isPositive());
            assertThat(invoke(function, "{}").outcome()).as("the same environment, warm")
                    .isEqualTo(LocalFunction.Outcome.SUCCESS);
            assertThat(function.initDurations()).hasSize(1);
        }
    }

    @Test
    void shouldReportAFunctionError_withTheRuntimesErrorDocument() throws Exception {
        try (LocalFunction function = function("fail", Duration.ofSeconds(10))) {
            LocalFunction.Result result = invoke(function, "{}");

            assertThat(result.outcome()).isEqualTo(LocalFunction.Outcome.ERROR);
            assertThat(result.body()).contains("failed on purpose").contains("IllegalStateException");
        }
    }

    @Test
    void shouldTimeOut_andStartAFreshEnvironmentForTheNextInvocation() throws Exception {
        try (LocalFunction function = function("sleep", Duration.ofSeconds(1))) {
            LocalFunction.Result timedOut = invoke(function, "{\"millis\":5000}");
            assertThat(timedOut.outcome()).isEqualTo(LocalFunction.Outcome.TIMEOUT);
            assertThat(timedOut.body()).contains("Task timed out after 1 seconds");

            assertThat(invoke(function, "{\"millis\":10}").outcome()).isEqualTo(LocalFunction.Outcome.SUCCESS);
            assertThat(function.initDurations()).as("the timed-out environment was replaced").hasSize(2);
        }
    }

    @Test
    void shouldFailAnInvocationWhoseEnvironmentIsKilled_andStartAFreshOneForTheNext() throws Exception {
        try (LocalFunction function = function("sleep", Duration.ofSeconds(30))) {
            CompletableFuture<String> killed = function.killAnInvocation(Duration.ofMillis(200));
            LocalFunction.Result result = invoke(function, "{\"millis\":20000}");

            assertThat(result.outcome()).isEqualTo(LocalFunction.Outcome.ERROR);
            assertThat(result.body()).contains("Runtime exited with code 137");
            assertThat(killed.get(10, TimeUnit.SECONDS)).isEqualTo("killed 200 ms after the hand-over");
            assertThat(invoke(function, "{\"millis\":10}").outcome()).isEqualTo(LocalFunction.Outcome.SUCCESS);
            assertThat(function.initDurations()).as("the killed environment was replaced").hasSize(2);
        }
    }

    @Test
    void shouldLoseTheAnswerOfAnInvocationKilledAsItAnswers_andLeaveTheKillForTheNextWhenItEndsFirst()
            throws Exception {
        try (LocalFunction function = function("sleep", Duration.ofSeconds(30))) {
            CompletableFuture<String> tooLate = function.killAnInvocation(Duration.ofSeconds(5));
            assertThat(invoke(function, "{\"millis\":10}").outcome()).as("ended before its kill")
                    .isEqualTo(LocalFunction.Outcome.SUCCESS);
            tooLate.cancel(false);

            CompletableFuture<String> atTheAnswer = function.killAnInvocation(null);
            LocalFunction.Result result = invoke(function, "{\"millis\":10}");

            assertThat(result.outcome()).isEqualTo(LocalFunction.Outcome.ERROR);
            assertThat(result.body()).contains("Runtime exited with code 137");
            assertThat(atTheAnswer).isCompletedWithValue("killed as it answered");
            assertThat(invoke(function, "{\"millis\":10}").outcome()).isEqualTo(LocalFunction.Outcome.SUCCESS);
        }
    }

    @Test
    void shouldFailTheInvocationsWaiting_whenTheirEnvironmentsDieInInit() throws Exception {
        // A JVM that cannot start exits at once, often before its environment is even listed.
        try (LocalFunction function = function("echo", Duration.ofSeconds(10), List.of("-XX:+NoSuchOption"))) {
            LocalFunction.Result first = invoke(function, "{}");
            LocalFunction.Result second = invoke(function, "{}");

            assertThat(List.of(first, second)).allSatisfy(result -> {
                assertThat(result.outcome()).isEqualTo(LocalFunction.Outcome.ERROR);
                assertThat(result.body()).contains("Runtime exited with code 1");
            });
            assertThat(function.busy()).as("nothing left waiting").isFalse();
        }
    }

    @Test
    void shouldStartNewEnvironmentsWithAnUpdatedConfiguration() throws Exception {
        try (LocalFunction function = function("echo", Duration.ofSeconds(10))) {
            assertThat(invoke(function, "{}").body()).contains("\"variable\":\"hi\"");

            function.configure(Map.of("GREETING", "hello"), Duration.ofSeconds(20), 256);

            assertThat(invoke(function, "{}").body()).contains("\"variable\":\"hello\"");
            assertThat(function.variables()).isEqualTo(Map.of("GREETING", "hello"));
            assertThat(function.timeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(function.memoryMb()).isEqualTo(256);
        }
    }

    static LocalFunction.Result invoke(LocalFunction function, String payload) throws Exception {
        return function.invoke(payload, 1).get(1, TimeUnit.MINUTES);
    }

    private static LocalFunction function(String method, Duration timeout) throws Exception {
        return function(method, timeout, LocalCloud.LAMBDA_JVM_OPTIONS);
    }

    private static LocalFunction function(String method, Duration timeout, List<String> jvmOptions)
            throws Exception {
        return function(method, timeout, JavaRuntimes.own(), jvmOptions);
    }

    static LocalFunction function(String method, Duration timeout, JavaRuntimes.Jdk jdk, List<String> jvmOptions)
            throws Exception {
        Path classes = Path.of(ScriptedHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String handler = ScriptedHandler.class.getName() + "::" + method;
        Map<String, String> lambda = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "_HANDLER", handler, "AWS_LAMBDA_FUNCTION_NAME", "Scripted", "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128");
        return new LocalFunction("Scripted-" + method, classes, handler, 128, timeout, 1, lambda,
                Map.of("GREETING", "hi"), Files.createTempDirectory("local-function-logs"), jdk, jvmOptions, null);
    }
}
