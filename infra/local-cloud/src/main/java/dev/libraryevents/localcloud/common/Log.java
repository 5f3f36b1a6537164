package dev.libraryevents.localcloud.common;

/** The local cloud's own lines, on stderr and marked, so that they stand apart from what the functions print. */
public final class Log {

    private Log() {}

    public static void info(String message) {
        System.err.println("[local-cloud] " + message);
    }
}
