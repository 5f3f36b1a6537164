package dev.libraryevents.localcloud.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.localcloud.esm.EventSourceMappings;
import dev.libraryevents.localcloud.events.EventBridgeEmulator;
import dev.libraryevents.localcloud.events.TemplateRules;
import dev.libraryevents.localcloud.lambda.JavaRuntimes;
import dev.libraryevents.localcloud.lambda.LocalFunction;
import dev.libraryevents.localcloud.lambda.TemplateFunctions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/** The {@link Hooks} of one running local cloud, over its functions, mappings, bus and meters. */
public final class CloudHooks implements Hooks {

    private static final int WARM_INVOCATIONS = 2;
    private static final Duration COLD_START_TIMEOUT = Duration.ofMinutes(1);

    private final Map<String, LocalFunction> functions;
    private final TemplateFunctions functionsFromTemplate;
    private final EventSourceMappings mappings;
    private final EventBridgeEmulator events;
    private final TemplateRules rules;
    private final Metering metering;
    private final Faults faults;
    private final Path logDirectory;
    private final LongSupplier bootMillis;

    public CloudHooks(Map<String, LocalFunction> functions, TemplateFunctions functionsFromTemplate,
                      EventSourceMappings mappings, EventBridgeEmulator events, TemplateRules rules,
                      Metering metering, Faults faults, Path logDirectory, LongSupplier bootMillis) {
        this.functions = functions;
        this.functionsFromTemplate = functionsFromTemplate;
        this.mappings = mappings;
        this.events = events;
        this.rules = rules;
        this.metering = metering;
        this.faults = faults;
        this.logDirectory = logDirectory;
        this.bootMillis = bootMillis;
    }

    @Override
    public long bootMillis() {
        return bootMillis.getAsLong();
    }

    @Override
    public Map<String, List<Long>> initDurations() {
        Map<String, List<Long>> durations = new LinkedHashMap<>();
        functions.forEach((name, function) -> durations.put(name, function.initDurations()));
        return durations;
    }

    @Override
    public List<String> busyFunctions() {
        return functions.values().stream().filter(LocalFunction::busy).map(LocalFunction::state).toList();
    }

    @Override
    public String functionState(String name) {
        return functions.get(name).state();
    }

    @Override
    public Path logDirectory() {
        return logDirectory;
    }

    @Override
    public Metering metering() {
        return metering;
    }

    @Override
    public List<String> functionNames() {
        return List.copyOf(functions.keySet());
    }

    @Override
    public Path jarOf(String functionLogicalIdPrefix) {
        return function(functionLogicalIdPrefix).jar();
    }

    @Override
    public JavaRuntimes.Jdk jdkOf(String functionLogicalIdPrefix) {
        return function(functionLogicalIdPrefix).jdk();
    }

    @Override
    public String firstPayload(String functionLogicalIdPrefix) {
        return function(functionLogicalIdPrefix).firstPayload();
    }

    @Override
    public ColdStart coldStart(String functionLogicalIdPrefix, String payload, ColdStart.Setup setup)
            throws Exception {
        LocalFunction function = function(functionLogicalIdPrefix);
        return coldStart(function.copy(function.name() + "-cold", setup.jar() == null ? function.jar() : setup.jar(),
                COLD_START_TIMEOUT, setup.jdk(), setup.jvmOptions(), Map.of(LocalFunction.INITIALIZATION_TYPE,
                        setup.snapStart() ? LocalFunction.SNAP_START : LocalFunction.ON_DEMAND)), payload);
    }

    @Override
    public ColdStart coldStart(Path jar, String handler, int memoryMb, String payload, ColdStart.Setup setup)
            throws Exception {
        JavaRuntimes.Jdk jdk = setup.jdk() != null ? setup.jdk()
                : functions.values().stream().findFirst().map(LocalFunction::jdk).orElseGet(JavaRuntimes::own);
        return coldStart(new LocalFunction("Baseline", jar, handler, memoryMb, COLD_START_TIMEOUT, 1,
                functionsFromTemplate.environment("Baseline", handler, memoryMb, "JSON"), Map.of(), logDirectory,
                jdk, setup.jvmOptions(), null), payload);
    }

    private static ColdStart coldStart(LocalFunction fresh, String payload) throws Exception {
        try (fresh) {
            LocalFunction.Result first = fresh.invoke(payload).get(2, TimeUnit.MINUTES);
            long warm = Long.MAX_VALUE;
            for (int i = 0; i < WARM_INVOCATIONS; i++) {
                warm = Math.min(warm, fresh.invoke(payload).get(2, TimeUnit.MINUTES).millis());
            }
            List<Long> init = fresh.initDurations();
            return new ColdStart(init.isEmpty() ? -1 : init.get(0), first.millis(), warm,
                    first.outcome() == LocalFunction.Outcome.SUCCESS);
        }
    }

    @Override
    public boolean awaitQuiet(Duration quiet, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            long idle = System.nanoTime() - metering.lastInvocationNanos();
            boolean busy = functions.values().stream().anyMatch(LocalFunction::busy);
            if (!busy && idle >= quiet.toNanos()) {
                return true;
            }
            Thread.sleep(busy ? 20 : Math.max(1, (quiet.toNanos() - idle) / 1_000_000));
        }
        return false;
    }

    @Override
    public Map<String, Long> logBytes() throws IOException {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String function : functions.keySet()) {
            Path log = logDirectory.resolve(function + ".log");
            bytes.put(function, Files.exists(log) ? Files.size(log) : 0L);
        }
        return bytes;
    }

    @Override
    public void pauseConsumer(String functionLogicalIdPrefix, boolean paused) {
        mappings.all().stream().filter(m -> m.functionName().startsWith(functionLogicalIdPrefix))
                .forEach(m -> m.update(!paused, null));
    }

    @Override
    public Faults faults() {
        return faults;
    }

    @Override
    public Optional<String> killAnInvocation(String functionLogicalIdPrefix, Duration afterHandOver,
                                             Duration patience) throws InterruptedException {
        CompletableFuture<String> killed = function(functionLogicalIdPrefix).killAnInvocation(afterHandOver);
        try {
            return Optional.of(killed.get(patience.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            killed.cancel(false);
        }
    }

    @Override
    public CompletableFuture<String> armKill(String functionLogicalIdPrefix, Duration afterHandOver) {
        return function(functionLogicalIdPrefix).killAnInvocation(afterHandOver);
    }

    @Override
    public List<JsonNode> archivedEvents() throws IOException {
        return events.archivedEvents();
    }

    @Override
    public List<String> eventsOf(String correlationId) throws IOException {
        return events.archivedTypes(correlationId);
    }

    @Override
    public long eventsPut() {
        return events.putEntries();
    }

    @Override
    public int fireSchedule(String ruleLogicalIdPrefix) throws Exception {
        return rules.fireSchedule(ruleLogicalIdPrefix);
    }

    private LocalFunction function(String logicalIdPrefix) {
        return functions.entrySet().stream().filter(f -> f.getKey().startsWith(logicalIdPrefix)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + logicalIdPrefix + "*")).getValue();
    }
}
