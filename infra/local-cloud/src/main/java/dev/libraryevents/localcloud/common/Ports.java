package dev.libraryevents.localcloud.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

public final class Ports {

    /** Where every port binds unless {@code --host} says otherwise; the internal ones (Runtime API, DynamoDB Local,
     * ElasticMQ) always do. */
    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The address to call a server bound to {@code host} at: a wildcard binding answers on loopback too. */
    public static String reachable(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? LOOPBACK
                : host.contains(":") ? "[" + host + "]" : host;
    }
}
