package dev.libraryevents.localcloud.hooks;

import java.nio.file.Path;
import java.util.List;

/**
 * A fresh environment's init (JVM start to its first request for work), its first invocation and a warm one.
 *
 * @param invocationMillis the first invocation's duration
 * @param warmMillis       the quicker of the next two, with the same payload
 */
public record ColdStart(long initMillis, long invocationMillis, long warmMillis, boolean succeeded) {

    /**
     * How a benchmark starts a function cold: the JVM's flags, another jar for its handler (the same function built
     * from another revision; null for its own), and whether it initializes as a SnapStart version (priming included)
     * or on demand.
     */
    public record Setup(List<String> jvmOptions, Path jar, boolean snapStart) {}
}
