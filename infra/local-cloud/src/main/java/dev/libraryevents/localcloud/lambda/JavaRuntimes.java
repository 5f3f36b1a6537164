package dev.libraryevents.localcloud.lambda;

import dev.libraryevents.localcloud.common.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Lambda's Java runtimes ({@code java21}, {@code java25}, ...) as JDKs on this machine, so that a function starts on
 * the Java its template names. Where the machine has no JDK of that version, its functions start on the local cloud's
 * own JVM instead, and one line says so: the jars target release 17, so they run on any later JVM, but a cold start
 * measured that way is not the runtime's.
 */
public final class JavaRuntimes {

    /** A JDK that runs a runtime's functions; {@code fallback} when it is not the version the runtime names. */
    public record Jdk(String runtime, Path java, int feature, String version, boolean fallback) {
        /** How a report names it: "Java 25.0.1", "Java 17.0.15 (standing in for java21)". */
        public String describe() {
            return "Java " + version + (fallback ? " (standing in for " + runtime + ")" : "");
        }
    }

    private static final Pattern RUNTIME = Pattern.compile("java(\\d+)(\\.al2)?");
    private static final Pattern RELEASE_VERSION = Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);
    private static final Map<String, Jdk> FOUND = new ConcurrentHashMap<>();

    private JavaRuntimes() {}

    /** The JVM of the local cloud itself. */
    public static Jdk own() {
        return new Jdk("java" + Runtime.version().feature(), Path.of(System.getProperty("java.home"), "bin", "java"),
                Runtime.version().feature(), System.getProperty("java.version"), false);
    }

    /**
     * The JDK for a template's {@code Runtime} ("java25"), looked up once: {@code LOCAL_CLOUD_JAVA_25_HOME}, then
     * {@code JAVA_HOME_25_X64} (CI runners' convention), this JVM if it is that version, then the usual install
     * directories; else this JVM, said once.
     */
    public static Jdk forRuntime(String runtime) {
        return FOUND.computeIfAbsent(runtime, r -> find(r, JavaRuntimes::candidates));
    }

    /** @param candidates where a JDK of a feature release may be, most specific first */
    static Jdk find(String runtime, IntFunction<List<Path>> candidates) {
        Matcher matcher = RUNTIME.matcher(runtime == null ? "" : runtime);
        Jdk own = own();
        if (!matcher.matches()) {
            Log.info("runtime " + runtime + " is not a Java runtime Lambda has; its functions run on Java "
                    + own.version());
            return standIn(runtime, own);
        }
        int feature = Integer.parseInt(matcher.group(1));
        Optional<Jdk> found = candidates.apply(feature).stream()
                .map(home -> jdkAt(runtime, home))
                .flatMap(Optional::stream)
                .filter(jdk -> jdk.feature() == feature)
                .findFirst();
        if (found.isPresent()) {
            if (!found.get().java().equals(own.java())) {
                Log.info("runtime " + runtime + ": functions start on Java " + found.get().version() + " ("
                        + found.get().java().getParent().getParent() + ")");
            }
            return found.get();
        }
        Log.info("runtime " + runtime + ": no JDK " + feature + " on this machine (set LOCAL_CLOUD_JAVA_" + feature
                + "_HOME to one); its functions start on the local cloud's own Java " + own.version() + " instead");
        return standIn(runtime, own);
    }

    /** The local cloud's own Java, running a runtime's functions in place of the JDK it names. */
    private static Jdk standIn(String runtime, Jdk own) {
        return new Jdk(runtime, own.java(), own.feature(), own.version(), true);
    }

    /** Where a JDK of that version may be, most specific first. */
    private static List<Path> candidates(int feature) {
        List<Path> homes = new ArrayList<>();
        for (String variable : List.of("LOCAL_CLOUD_JAVA_" + feature + "_HOME", "JAVA_HOME_" + feature + "_X64")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                homes.add(Path.of(value));
            }
        }
        homes.add(Path.of(System.getProperty("java.home")));
        String userHome = System.getProperty("user.home");
        for (Path directory : List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"),
                Path.of(userHome, ".sdkman", "candidates", "java"), Path.of(userHome, ".jdks"),
                Path.of("/Library/Java/JavaVirtualMachines"))) {
            homes.addAll(childrenNewestFirst(directory));
        }
        return homes;
    }

    private static List<Path> childrenNewestFirst(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.map(child -> Files.isDirectory(child.resolve("Contents/Home"))
                            ? child.resolve("Contents/Home") : child)
                    .sorted(Comparator.comparing(Path::toString).reversed()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The JDK at {@code home}, by its {@code release} file, if it has a {@code bin/java}. */
    private static Optional<Jdk> jdkAt(String runtime, Path home) {
        Path java = home.resolve("bin").resolve("java");
        Path release = home.resolve("release");
        if (!Files.isExecutable(java) || !Files.isReadable(release)) {
            return Optional.empty();
        }
        try {
            Matcher version = RELEASE_VERSION.matcher(Files.readString(release));
            if (!version.find()) {
                return Optional.empty();
            }
            String text = version.group(1);
            int feature = Integer.parseInt(text.split("[.+-]")[0]);
            return Optional.of(new Jdk(runtime, java.toAbsolutePath(), feature, text, false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
