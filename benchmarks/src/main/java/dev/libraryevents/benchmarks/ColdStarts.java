package dev.libraryevents.benchmarks;

import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.hooks.ColdStart;
import dev.libraryevents.localcloud.lambda.JavaRuntimes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cold starts: a fresh JVM per function (init, then its first invocation with a real payload it was once sent),
 * beside reference handlers that are not part of the stack (the do-nothing baseline; the SDK's floor, one DynamoDB
 * request and nothing else), under each JVM set-up, interleaved so that the machine's noise falls on all of them
 * alike.
 */
final class ColdStarts {

    static final String BASELINE = "Baseline";
    static final String SDK_FLOOR = "SdkFloor";

    /** A handler measured beside the functions, from its module's jar, with an empty payload and no role. */
    record Reference(String name, String module, String handler) {
        static final List<Reference> ALL = List.of(
                new Reference(BASELINE, "baseline", "dev.libraryevents.baseline.NoOpHandler"),
                new Reference(SDK_FLOOR, "sdk-floor", "dev.libraryevents.floor.SdkFloorHandler"));

        /** The jar its module packages, in the checkout at {@code root}. */
        Path jar(Path root) {
            return root.resolve("benchmarks/" + module + "/target/" + module + "-lambda.jar");
        }
    }

    static boolean isReference(String name) {
        return Reference.ALL.stream().anyMatch(reference -> reference.name().equals(name));
    }
    /** An event id in a payload, its quotes escaped up to three times (a message body is JSON inside JSON). */
    private static final Pattern EVENT_ID =
            Pattern.compile("(eventId\\\\{0,3}\"\\s*:\\s*\\\\{0,3}\")([0-9a-fA-F-]{36})");

    /**
     * One way of starting the JVM: its flags, with or without a class-data archive, initialized on demand or as a
     * SnapStart version (the priming runs at the end of init), from this checkout's jars or a revision's, on the
     * Java the template's runtime names or another runtime's ({@code runtime}, such as "java21").
     */
    record Variant(String name, String description, List<String> jvmOptions, boolean classDataSharing,
                   boolean snapStart, Revision revision, String runtime) {
        Variant(String name, String description, List<String> jvmOptions, boolean classDataSharing) {
            this(name, description, jvmOptions, classDataSharing, false, null, null);
        }

        /** Lambda's flags on {@code revision}'s jars: the "before" of a change, measured beside its "after". */
        static Variant before(Revision revision) {
            return new Variant("lambda@" + revision.name(), "Lambda's flags, the jars of " + revision.name()
                    + " (" + revision.commit().substring(0, 12) + "), for before/after ratios",
                    LocalCloud.LAMBDA_JVM_OPTIONS, false, false, revision, null);
        }

        /** Lambda's flags on another Lambda runtime's Java: which runtime starts the functions faster. */
        static Variant onRuntime(String runtime) {
            return new Variant("lambda/" + runtime, "Lambda's flags on the Java of Lambda's " + runtime
                    + " runtime: " + JavaRuntimes.forRuntime(runtime).describe(), LocalCloud.LAMBDA_JVM_OPTIONS,
                    false, false, null, runtime);
        }

        /** The Java it starts on; null for the one the template's runtime names. */
        JavaRuntimes.Jdk jdk() {
            return runtime == null ? null : JavaRuntimes.forRuntime(runtime);
        }
    }

    static final String SNAP_START = "lambda+snapstart";

    /** Lambda's current Java runtime measured beside the template's: the other of the two, or the newest. */
    static String otherRuntime(String templateRuntime) {
        return templateRuntime.equals("java25") ? "java21" : "java25";
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("jvm-defaults", "no flags: C1 and C2 tiered compilation, G1", List.of(), false),
            new Variant("lambda", "Lambda's Java runtime flags (C1 only, serial GC), initialized on demand (no "
                    + "SnapStart); what the local cloud uses", LocalCloud.LAMBDA_JVM_OPTIONS, false),
            new Variant("lambda+appcds", "the same, plus an application class-data archive dumped by a training run",
                    LocalCloud.LAMBDA_JVM_OPTIONS, true),
            new Variant(SNAP_START, "Lambda's flags, initialized as a SnapStart version: the runtime client runs "
                    + "the functions' priming (beforeCheckpoint) at the end of init, where Lambda takes the snapshot "
                    + "that each cold start then restores", LocalCloud.LAMBDA_JVM_OPTIONS, false, true, null, null));

    /** The samples of one function under one variant, in milliseconds. */
    record Samples(List<Double> init, List<Double> invocation, List<Double> warm) {
        Samples() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }

        /** Init plus first invocation, sample by sample. */
        List<Double> total() {
            List<Double> totals = new ArrayList<>();
            for (int i = 0; i < init.size(); i++) {
                totals.add(init.get(i) + invocation.get(i));
            }
            return totals;
        }
    }

    /**
     * Where loaded classes come from, by name prefix, in the report's column order; what is left is counted as
     * "other".
     */
    static final List<Map.Entry<String, String>> CLASS_ORIGINS = List.of(
            Map.entry("java.", "JDK"), Map.entry("javax.", "JDK"), Map.entry("jdk.", "JDK"),
            Map.entry("sun.", "JDK"), Map.entry("com.sun.", "JDK"),
            Map.entry("software.amazon.awssdk.", "AWS SDK"), Map.entry("com.fasterxml.jackson.", "Jackson"),
            Map.entry("com.networknt.", "JSON Schema"), Map.entry("com.amazonaws.services.lambda.", "Lambda runtime"),
            Map.entry("dev.libraryevents.", "ours"));

    /**
     * Function (or reference) → variant name → samples; each function's jar size; and, when a class-data archive
     * was trained, the classes its training run loaded, by origin.
     */
    record Results(Map<String, Map<String, Samples>> samples, Map<String, Long> jarBytes, List<Variant> variants,
                   Map<String, Map<String, Long>> classesLoaded) {
        double medianTotal(String function, String variant) {
            return Stats.median(samples.get(function).get(variant).total());
        }
    }

    private final LocalCloud cloud;
    private final Map<String, Reference> references = new LinkedHashMap<>();
    private final Path root;
    private final Path archives;

    /** @param root the checkout whose reference jars are started */
    ColdStarts(LocalCloud cloud, Path root, Path archives) {
        this.cloud = cloud;
        Reference.ALL.forEach(reference -> references.put(reference.name(), reference));
        this.root = root;
        this.archives = archives;
    }

    Results measure(List<String> functions, List<Variant> variants, int repeat) throws Exception {
        Map<String, String> payloads = new LinkedHashMap<>();
        Map<String, Long> jarBytes = new LinkedHashMap<>();
        for (Reference reference : references.values()) {
            jarBytes.put(reference.name(), Files.size(reference.jar(root)));
        }
        for (String function : functions) {
            String payload = cloud.hooks().firstPayload(function);
            if (payload == null) {
                throw new IllegalStateException(function + " was never invoked: no payload to start it with");
            }
            payloads.put(function, payload);
            jarBytes.put(function, Files.size(cloud.hooks().jarOf(function)));
            for (Variant variant : variants) {
                if (variant.revision() != null) {
                    variant.revision().jarLike(cloud.hooks().jarOf(function));
                }
            }
        }
        Map<String, Map<String, Samples>> samples = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(references.keySet());
        all.addAll(functions);
        Map<String, List<String>> archiveOptions = new HashMap<>();
        Map<String, Map<String, Long>> classesLoaded = new LinkedHashMap<>();
        if (variants.stream().anyMatch(Variant::classDataSharing)) {
            Files.createDirectories(archives);
            for (String function : all) {
                archiveOptions.put(function, train(function, payloads.get(function)));
                classesLoaded.put(function, classesLoaded(archives.resolve(function + ".classes")));
            }
        }
        for (int round = 0; round < repeat; round++) {
            for (String function : all) {
                for (Variant variant : variants) {
                    List<String> options = new ArrayList<>(variant.jvmOptions());
                    if (variant.classDataSharing()) {
                        options.addAll(archiveOptions.get(function));
                    }
                    Path jar = variant.revision() == null || references.containsKey(function) ? null
                            : variant.revision().jarLike(cloud.hooks().jarOf(function));
                    ColdStart start = start(function, payloads.get(function),
                            new ColdStart.Setup(options, jar, variant.snapStart(), variant.jdk()));
                    if (!start.succeeded()) {
                        throw new IllegalStateException(function + " failed its cold start under " + variant.name());
                    }
                    Samples s = samples.computeIfAbsent(function, f -> new LinkedHashMap<>())
                            .computeIfAbsent(variant.name(), v -> new Samples());
                    s.init().add((double) start.initMillis());
                    s.invocation().add((double) start.invocationMillis());
                    s.warm().add((double) start.warmMillis());
                }
            }
            System.out.printf("cold starts: round %d of %d done%n", round + 1, repeat);
        }
        return new Results(samples, jarBytes, variants, classesLoaded);
    }

    /** Counts a {@code -Xlog:class+load} file's classes by origin. */
    private static Map<String, Long> classesLoaded(Path log) throws IOException {
        Map<String, Long> counts = new LinkedHashMap<>();
        CLASS_ORIGINS.forEach(origin -> counts.put(origin.getValue(), 0L));
        counts.put("other", 0L);
        try (var lines = Files.lines(log)) {
            lines.filter(line -> line.contains("[class,load]")).forEach(line -> {
                String name = line.substring(line.indexOf("[class,load]") + 12).trim().split(" ")[0];
                String origin = CLASS_ORIGINS.stream().filter(o -> name.startsWith(o.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse("other");
                counts.merge(origin, 1L, Long::sum);
            });
        }
        return counts;
    }

    /** A training run that writes the function's class-data archive at exit; the options that use it. */
    private List<String> train(String function, String payload) throws Exception {
        Path archive = archives.resolve(function + ".jsa").toAbsolutePath();
        Files.deleteIfExists(archive);
        List<String> options = new ArrayList<>(LocalCloud.LAMBDA_JVM_OPTIONS);
        options.add("-XX:ArchiveClassesAtExit=" + archive);
        options.add("-Xlog:class+load=info:file=" + archives.resolve(function + ".classes").toAbsolutePath());
        start(function, payload, new ColdStart.Setup(options, null, false));
        if (!Files.exists(archive)) {
            throw new IllegalStateException("the training run of " + function + " wrote no archive " + archive);
        }
        return List.of("-XX:SharedArchiveFile=" + archive);
    }

    private ColdStart start(String function, String payload, ColdStart.Setup setup)
            throws Exception {
        Reference reference = references.get(function);
        ColdStart start = reference != null
                ? cloud.hooks().coldStart(reference.jar(root), reference.handler(), 1024, "{}", setup)
                : cloud.hooks().coldStart(function, fresh(payload), setup);
        // What a first invocation set off (events, other functions) settles before the next JVM starts.
        cloud.hooks().awaitQuiet(Duration.ofMillis(300), Duration.ofMinutes(1));
        return start;
    }

    /** A queue message again with new event ids, so that a consumer does its full work, not drop a duplicate. */
    private static String fresh(String payload) {
        if (!payload.contains("\"aws:sqs\"")) {
            return payload;
        }
        Map<String, String> renamed = new HashMap<>();
        Matcher matcher = EVENT_ID.matcher(payload);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String id = renamed.computeIfAbsent(matcher.group(2), old -> UUID.randomUUID().toString());
            matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1) + id));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
