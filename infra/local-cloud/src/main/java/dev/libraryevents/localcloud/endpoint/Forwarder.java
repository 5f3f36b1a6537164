package dev.libraryevents.localcloud.endpoint;

import com.sun.net.httpserver.HttpExchange;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint.Call;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Hands a call on to the backend that serves it (DynamoDB Local, ElasticMQ, s3proxy) and its answer back, headers
 * and all but those that belong to one hop.
 */
final class Forwarder {

    private static final Set<String> UNFORWARDED = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Sends the request on as it came and its answer back; returns the answer's body. */
    byte[] forward(Call call, URI backend) throws IOException {
        return forward(call, backend, header -> false);
    }

    /** The same, without the request headers {@code dropped} names (lowercase). */
    byte[] forward(Call call, URI backend, Predicate<String> dropped) throws IOException {
        HttpExchange exchange = call.exchange();
        HttpRequest.Builder request = HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
        exchange.getRequestHeaders().forEach((name, values) -> {
            String lowercase = name.toLowerCase(Locale.ROOT);
            if (!UNFORWARDED.contains(lowercase) && !dropped.test(lowercase)) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new byte[0];
        }
        response.headers().map().forEach((name, values) -> {
            if (!UNFORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
        });
        byte[] bytes = response.body();
        exchange.sendResponseHeaders(response.statusCode(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        return bytes;
    }
}
