package dev.libraryevents.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import picocli.CommandLine;

/**
 * How every command of this repository ({@code bin/local-cloud}, {@code bin/ops}, {@code bin/benchmark},
 * {@code bin/chaos}) ends: 0 when done, 2 with the usage for a wrong or missing argument (picocli's convention), 1
 * with one line naming the failure otherwise; no stack trace for an operator to read. And where they find the
 * checkout they run in.
 */
public final class CommandLines {

    private CommandLines() {}

    public static int execute(Object command, String... args) {
        CommandLine commandLine = new CommandLine(command);
        String version = commandLine.getCommandName() + " " + projectVersion();
        commandLine.getCommandSpec().version(version);
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(version));
        commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        commandLine.setExecutionExceptionHandler((exception, failed, parsed) -> {
            failed.getErr().println(failed.getCommandName() + ": " + describe(exception));
            return 1;
        });
        return commandLine.execute(args);
    }

    /** The checkout's root (where cdk.json is), from wherever a command was started. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("cdk.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no cdk.json above " + Path.of("").toAbsolutePath());
    }

    /** Deletes a directory and all it holds; nothing when it does not exist. */
    public static void deleteRecursively(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static String projectVersion() {
        try (InputStream in = CommandLines.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Throwable exception) {
        String message = exception.getMessage();
        return message == null || message.isBlank() ? exception.getClass().getSimpleName() : message;
    }
}
