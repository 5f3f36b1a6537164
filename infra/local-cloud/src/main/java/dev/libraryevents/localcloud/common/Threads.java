package dev.libraryevents.localcloud.common;

import java.util.concurrent.ThreadFactory;

public final class Threads {

    private Threads() {}

    /** Threads that never keep the JVM alive on their own: stopping is the local cloud's close(). */
    public static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
