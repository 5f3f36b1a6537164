package dev.libraryevents.localcloud.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The template's functions as Lambda would run them: memory, timeout, concurrency, SnapStart and environment. */
public final class TemplateFunctions {

    private final CloudTemplate template;
    private final URI awsEndpoint;
    private final Metering metering;
    private final int concurrency;
    private final Path logDirectory;

    /**
     * @param awsEndpoint what the functions' SDKs call ({@code AWS_ENDPOINT_URL})
     * @param concurrency environments per function at most (less where the template reserves less)
     */
    public TemplateFunctions(CloudTemplate template, URI awsEndpoint, Metering metering, int concurrency,
                             Path logDirectory) {
        this.template = template;
        this.awsEndpoint = awsEndpoint;
        this.metering = metering;
        this.concurrency = concurrency;
        this.logDirectory = logDirectory;
    }

    /** Every {@code AWS::Lambda::Function}, by logical id, in template order; not started until first invoked. */
    public Map<String, LocalFunction> create() {
        Map<String, LocalFunction> functions = new LinkedHashMap<>();
        template.ofType("AWS::Lambda::Function").forEach((id, properties) -> functions.put(id, function(id,
                properties)));
        return functions;
    }

    private LocalFunction function(String id, JsonNode properties) {
        int memoryMb = properties.path("MemorySize").asInt(128);
        String handler = properties.path("Handler").asText();
        Map<String, String> environment = environment(id, handler, memoryMb,
                properties.path("LoggingConfig").path("LogFormat").asText("Text"));
        if (properties.path("SnapStart").path("ApplyOn").asText().equals("PublishedVersions")) {
            // What invoking the stack's alias of a published version does on AWS: init ends with the priming.
            environment.put(LocalFunction.INITIALIZATION_TYPE, LocalFunction.SNAP_START);
            environment.put("AWS_LAMBDA_FUNCTION_VERSION", CloudTemplate.PUBLISHED_VERSION);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        properties.path("Environment").path("Variables").fields()
                .forEachRemaining(variable -> variables.put(variable.getKey(), template.resolve(variable.getValue())));
        metering.function(id, memoryMb);
        int reserved = properties.has("ReservedConcurrentExecutions")
                ? Math.min(concurrency, properties.path("ReservedConcurrentExecutions").asInt()) : concurrency;
        return new LocalFunction(id, template.assetOf(id), handler, memoryMb,
                Duration.ofSeconds(properties.path("Timeout").asInt(3)), reserved, environment, variables,
                logDirectory, JavaRuntimes.forRuntime(properties.path("Runtime").asText()),
                LocalFunction.LAMBDA_JVM_OPTIONS, metering);
    }

    /** What Lambda sets for every function. Each calls with its logical id as access key, which the metering uses. */
    public Map<String, String> environment(String id, String handler, int memoryMb, String logFormat) {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("AWS_REGION", CloudTemplate.REGION);
        environment.put("AWS_DEFAULT_REGION", CloudTemplate.REGION);
        environment.put("AWS_ACCESS_KEY_ID", id);
        environment.put("AWS_SECRET_ACCESS_KEY", "local");
        environment.put("AWS_ENDPOINT_URL", awsEndpoint.toString());
        environment.put("AWS_LAMBDA_FUNCTION_NAME", id);
        environment.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        environment.put(LocalFunction.INITIALIZATION_TYPE, LocalFunction.ON_DEMAND);
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        environment.put("AWS_LAMBDA_LOG_FORMAT", logFormat);
        environment.put("_HANDLER", handler);
        environment.put("TZ", ":UTC");
        return environment;
    }
}
