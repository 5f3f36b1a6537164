package dev.libraryevents.localcloud.endpoint;

import com.sun.net.httpserver.HttpExchange;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint.Call;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Hands a call on to the backend that serves it (DynamoDB Local, ElasticMQ, s3proxy) and its answer back, headers
 * and all but those that belong to one hop.
 *
 * <p>On the calling thread, over the JDK's pooled keep-alive connections ({@link HttpURLConnection}): the
 * asynchronous {@code java.net.http.HttpClient} hands every exchange to a selector thread and a worker and back,
 * which cost more CPU than the forwarding itself, on every request a function makes.
 */
final class Forwarder {

    private static final Set<String> UNFORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    /** Sends the request on as it came and its answer back; returns the answer's body. */
    byte[] forward(Call call, URI backend) throws IOException {
        return forward(call, backend, header -> false);
    }

    /** The same, without the request headers {@code dropped} names (lowercase). */
    byte[] forward(Call call, URI backend, Predicate<String> dropped) throws IOException {
        HttpExchange exchange = call.exchange();
        HttpURLConnection connection = (HttpURLConnection) backend.resolve(exchange.getRequestURI().toString())
                .toURL().openConnection();
        connection.setRequestMethod(exchange.getRequestMethod());
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        // Said, so that the connection adds none of its own defaults (an Accept list, a form Content-Type).
        connection.setRequestProperty("Accept", "*/*");
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lowercase = name.toLowerCase(Locale.ROOT);
            if (!UNFORWARDED.contains(lowercase) && !dropped.test(lowercase)) {
                connection.setRequestProperty(name, String.join(",", values));
            }
        });
        byte[] body = call.body();
        if (body.length > 0) {
            if (connection.getRequestProperty("Content-Type") == null) {
                connection.setRequestProperty("Content-Type", "application/octet-stream");
            }
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        int status = connection.getResponseCode();
        byte[] bytes;
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            bytes = in == null ? new byte[0] : in.readAllBytes(); // read to the end: the connection is reused
        }
        connection.getHeaderFields().forEach((name, values) -> {
            if (name != null && !UNFORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
        });
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        return bytes;
    }
}
