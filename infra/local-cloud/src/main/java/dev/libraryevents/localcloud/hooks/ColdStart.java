package dev.libraryevents.localcloud.hooks;

import dev.libraryevents.localcloud.lambda.JavaRuntimes;
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
     * from another revision; null for its own), whether it initializes as a SnapStart version (priming included)
     * or on demand, and another Java to start on (null: the one its runtime names).
     */
    public record Setup(List<String> jvmOptions, Path jar, boolean snapStart, JavaRuntimes.Jdk jdk) {
        public Setup(List<String> jvmOptions, Path jar, boolean snapStart) {
            this(jvmOptions, jar, snapStart, null);
        }
    }
}
