package dev.libraryevents.benchmarks;

import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Another revision of this repository, checked out beside it (a git worktree under {@code target/benchmarks}) with
 * its function jars built, so that a change's before and after start cold in the same run, interleaved: on a
 * shared machine only figures measured side by side compare.
 */
final class Revision implements AutoCloseable {

    private static final String SERVICES = "functions/library,functions/notification,functions/analytics,"
            + "functions/audit";

    private final Path root;
    private final Path checkout;
    private final String name;
    private final String commit;
    /** Found once, before the first cold start: a rebuild of this checkout during the run changes nothing. */
    private final Map<Path, Path> jars = new HashMap<>();

    private Revision(Path root, Path checkout, String name, String commit) {
        this.root = root;
        this.checkout = checkout;
        this.name = name;
        this.commit = commit;
    }

    /** Checks {@code revision} out and packages its functions (Maven's output goes to its build.log). */
    static Revision build(Path root, String revision) throws IOException, InterruptedException {
        String commit = run(root, root.resolve("target/benchmarks/revision.log"),
                "git", "rev-parse", "--verify", revision + "^{commit}").strip();
        Path checkout = root.resolve("target/benchmarks/revision-" + commit.substring(0, 12));
        if (!Files.exists(checkout.resolve("pom.xml"))) {
            run(root, root.resolve("target/benchmarks/revision.log"), "git", "worktree", "add", "--detach",
                    checkout.toString(), commit);
        }
        System.out.println("building the function jars of " + revision + " (" + commit.substring(0, 12) + ") ...");
        run(checkout, checkout.resolve("build.log"), "mvn", "-B", "-ntp", "-q", "package", "-DskipTests",
                "-pl", SERVICES, "-am");
        return new Revision(root, checkout, revision, commit);
    }

    /** As the command line named it. */
    String name() {
        return name;
    }

    String commit() {
        return commit;
    }

    /**
     * The revision's jar of the service whose jar, in this checkout, {@code asset} is a copy of (the template names
     * cdk.out's copies, not the modules' jars).
     */
    Path jarLike(Path asset) throws IOException {
        Path known = jars.get(asset);
        if (known == null) {
            known = findJarLike(asset);
            jars.put(asset, known);
        }
        return known;
    }

    private Path findJarLike(Path asset) throws IOException {
        Map<String, Path> jars = new TreeMap<>();
        try (var services = Files.list(root.resolve("functions"))) {
            for (Path service : services.toList()) {
                Path jar = service.resolve("target").resolve(service.getFileName() + "-lambda.jar");
                if (Files.exists(jar)) {
                    jars.put(root.relativize(jar).toString(), jar);
                }
            }
        }
        for (var jar : jars.entrySet()) {
            if (Files.mismatch(jar.getValue(), asset) == -1) {
                return checkout.resolve(jar.getKey());
            }
        }
        throw new IllegalStateException(asset + " is a copy of none of " + jars.keySet()
                + ": build (mvn package) and synthesize (npx cdk synth) this checkout again");
    }

    /**
     * A copy of the cloud assembly {@code template} is in, every function's asset replaced by this revision's jar
     * of the same service: this checkout's topology running the revision's code (what a change of code alone
     * changes; the template's own changes are not in it).
     */
    Path cloudAssembly(Path template) throws IOException {
        Path assembly = checkout.resolve("cdk.out.benchmark");
        Files.createDirectories(assembly);
        Files.copy(template, assembly.resolve(template.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        CloudTemplate functions = CloudTemplate.read(template);
        List<Path> assets = functions.ofType("AWS::Lambda::Function").keySet().stream().map(functions::assetOf)
                .distinct().toList(); // functions built from one jar share its asset
        for (Path asset : assets) {
            Files.copy(jarLike(asset), assembly.resolve(asset.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return assembly.resolve(template.getFileName());
    }

    /** Removes the worktree. */
    @Override
    public void close() throws IOException, InterruptedException {
        run(root, root.resolve("target/benchmarks/revision.log"), "git", "worktree", "remove", "--force",
                checkout.toString());
    }

    /** Runs a command in {@code directory}; its output goes to {@code log}, and is returned when it succeeds. */
    private static String run(Path directory, Path log, String... command) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed in " + directory + "; see " + log);
        }
        return Files.readString(log);
    }
}
