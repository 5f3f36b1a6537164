package dev.libraryevents.localcloud.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.libraryevents.localcloud.LocalCloud;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A template's runtime ("java25") becomes the JDK of that version the machine has, found by its {@code release}
 * file; without one, the local cloud's own Java stands in, and says so. The JDKs here are made up: a {@code release}
 * file and a {@code bin/java} that notes it ran and hands over to this JVM's own.
 */
class JavaRuntimesTest {

    @TempDir
    Path machine;

    @Test
    void shouldTakeTheJdkOfTheVersionTheRuntimeNames_byItsReleaseFile() throws Exception {
        Path older = jdk("jdk-98", "98.0.2");
        Path named = jdk("jdk-99", "99.0.1");
        Path unlabelled = Files.createDirectories(machine.resolve("jdk-unlabelled/bin"));

        JavaRuntimes.Jdk jdk = JavaRuntimes.find("java99", feature -> List.of(unlabelled.getParent(), older, named));

        assertThat(jdk.java()).isEqualTo(named.resolve("bin/java").toAbsolutePath());
        assertThat(jdk.feature()).isEqualTo(99);
        assertThat(jdk.fallback()).isFalse();
        assertThat(jdk.describe()).isEqualTo("Java 99.0.1");
    }

    @Test
    void shouldStandInWithItsOwnJava_andSaySo_whenTheMachineLacksThatVersion() throws Exception {
        Path older = jdk("jdk-98", "98.0.2");

        JavaRuntimes.Jdk jdk = JavaRuntimes.find("java99", feature -> List.of(older));

        assertThat(jdk.java()).isEqualTo(JavaRuntimes.own().java());
        assertThat(jdk.fallback()).isTrue();
        assertThat(jdk.describe()).isEqualTo("Java " + System.getProperty("java.version")
                + " (standing in for java99)");
        assertThat(JavaRuntimes.find("nodejs20.x", feature -> List.of()).fallback()).as("not a Java runtime")
                .isTrue();
    }

    @Test
    void shouldFindThisJvm_forTheRuntimeOfItsOwnVersion() {
        JavaRuntimes.Jdk own = JavaRuntimes.own();

        JavaRuntimes.Jdk jdk = JavaRuntimes.forRuntime("java" + Runtime.version().feature());

        assertThat(jdk.feature()).isEqualTo(own.feature());
        assertThat(jdk.fallback()).isFalse();
    }

    @Test
    void shouldStartAFunctionsEnvironmentsOnItsJdk() throws Exception {
        Path home = jdk("jdk-99", "99.0.1");
        JavaRuntimes.Jdk jdk = JavaRuntimes.find("java99", feature -> List.of(home));

        try (LocalFunction function = LocalFunctionTest.function("echo", Duration.ofSeconds(30), jdk,
                LocalCloud.LAMBDA_JVM_OPTIONS)) {
            assertThat(LocalFunctionTest.invoke(function, "{}").outcome()).isEqualTo(LocalFunction.Outcome.SUCCESS);
        }

        assertThat(home.resolve("started")).as("the environment's JVM came from the runtime's JDK").exists();
    }

    /** A made-up JDK of {@code version}: its java records that it ran, then runs this JVM's. */
    private Path jdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(machine.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\ntouch \"$(dirname \"$0\")/../started\"\nexec '"
                + JavaRuntimes.own().java() + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }
}
