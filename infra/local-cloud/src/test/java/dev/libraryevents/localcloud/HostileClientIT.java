package dev.libraryevents.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.testing.HostileStrings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;

/**
 * A hostile but realistic client against the running local cloud, over real HTTP: methods a path does not take,
 * HEAD, requests API Gateway cannot parse, generated strings in every body field and path id of every service, and
 * a service that tries to publish as another.
 */
class HostileClientIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long SEED = Long.getLong("hostile.seed", System.nanoTime());
    private static final int PER_FIELD = 30;

    private static LocalCloud cloud;
    private static URI base;

    @BeforeAll
    static void startTheLocalCloud() throws Exception {
        cloud = Stack.start(null, null);
        base = cloud.apiUrl();
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void shouldAnswerAMethodAPathDoesNotTake_405WithAllow_onEveryService() throws Exception {
        String id = UUID.randomUUID().toString();
        for (String path : List.of("/books", "/books/" + id, "/users/" + id + "/suspend", "/borrowings/" + id,
                "/users/" + id + "/notifications", "/reports/usage", "/audit/books/" + id, "/audit/snapshots",
                "/traces/req-1")) {
            HttpResponse<String> response = send("PATCH", path, null, "hostile-405");

            assertThat(response.statusCode()).as(path).isEqualTo(405);
            assertThat(response.headers().firstValue("Allow")).as(path).isPresent();
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("X-Correlation-Id")).hasValue("hostile-405");
        }
    }

    @Test
    void shouldAnswerAHeadLikeAGet_withoutABody() throws Exception {
        HttpResponse<String> head = send("HEAD", "/reports/usage", null, "hostile-head");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("X-Correlation-Id")).hasValue("hostile-head");
    }

    @Test
    void shouldEchoTheCorrelationId_onRouteNotFound() throws Exception {
        HttpResponse<String> response = send("GET", "/nowhere/at/all", null, "hostile-404");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).path("type").asText()).isEqualTo("urn:problem:route-not-found");
        assertThat(response.headers().firstValue("X-Correlation-Id")).hasValue("hostile-404");
    }

    @Test
    void shouldAnswerMalformedHttp_inProblemJson() throws Exception {
        for (String request : List.of(
                "GET /books/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /reports/usage?at=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /books HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                        + "Content-Length: abc\r\n\r\n")) {
            String answer = raw(request);

            assertThat(answer).as(request).startsWith("HTTP/1.1 400");
            assertThat(answer).as(request).contains("Content-Type: application/problem+json")
                    .contains("\"type\":\"urn:problem:");
        }
    }

    /** Every body field and path id of every service, fed generated strings: 2xx or 4xx, never 5xx. */
    @Test
    void shouldNeverAnswer5xx_toGeneratedInput() throws Exception {
        HostileStrings strings = new HostileStrings(SEED);
        List<String> failures = new ArrayList<>();
        int tried = 0;
        for (String email : strings.emails(PER_FIELD)) {
            tried += check(failures, "POST", "/users", JSON.createObjectNode().put("name", "Ada")
                    .put("email", email).toString());
        }
        for (String text : strings.text(PER_FIELD)) {
            tried += check(failures, "POST", "/books", JSON.createObjectNode().put("title", text)
                    .put("author", text).put("isbn", text).toString());
            tried += check(failures, "POST", "/users", JSON.createObjectNode().put("name", text)
                    .put("email", UUID.randomUUID() + "@example.org").toString());
            String id = URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
            for (String path : List.of("/books/", "/users/", "/borrowings/", "/audit/borrowings/",
                    "/audit/snapshots/", "/traces/")) {
                tried += check(failures, "GET", path + id, null);
            }
            tried += check(failures, "GET", "/users/" + id + "/notifications", null);
            tried += check(failures, "GET", "/audit/users/" + UUID.randomUUID() + "/state?at=" + id, null);
            tried += check(failures, "POST", "/borrowings/" + id + "/return", null);
        }

        assertThat(failures).as("seed %d, %d requests", SEED, tried).isEmpty();
        System.out.printf("generated input: %d requests, seed %d%n", tried, SEED);
    }

    @Test
    void shouldRefuseARelay_puttingAnotherServicesSource() {
        String notificationRelay = cloud.functionNames().stream()
                .filter(name -> name.startsWith("NotificationOutboxRelay")).findFirst().orElseThrow();
        try (EventBridgeClient asTheRelay = EventBridgeClient.builder().endpointOverride(cloud.awsEndpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(notificationRelay, "x"))).build()) {

            assertThatThrownBy(() -> asTheRelay.putEvents(r -> r.entries(e -> e.eventBusName("library-events")
                    .source("library.service").detailType("BookReturned").detail("{}"))))
                    .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        // IAM's own words: a failed events:source condition is "no policy allows" the action
                        assertThat(e.getMessage()).contains("assumed-role/NotificationOutboxRelayServiceRole",
                                "not authorized to perform: events:PutEvents on resource: "
                                        + "arn:aws:events:us-east-1:000000000000:event-bus/library-events");
                    });
        }
    }

    /** Linux's socket tables: every socket this JVM (the local cloud's) listens on is on loopback. */
    @Test
    void shouldListenOnLoopbackOnly() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
        Set<String> ownSockets = new HashSet<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            descriptors.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        ownSockets.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException gone) {
                    // closed while listed
                }
            });
        }
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals("0A") && ownSockets.contains(fields[9])) {
                    listening.add(fields[1]);
                }
            }
        }

        assertThat(listening).hasSizeGreaterThanOrEqualTo(4) // API, AWS endpoint, DynamoDB Local, ElasticMQ
                .allMatch(address -> address.startsWith("0100007F:")
                        || address.startsWith("0000000000000000FFFF00000100007F:")
                        || address.startsWith("00000000000000000000000001000000:"));
    }

    private static int check(List<String> failures, String method, String path, String body) throws Exception {
        HttpResponse<String> response = send(method, path, body, "hostile-generated");
        if (response.statusCode() >= 500) {
            failures.add(method + " " + path + " " + body + " -> " + response.statusCode() + " " + response.body());
        }
        return 1;
    }

    private static HttpResponse<String> send(String method, String path, String body, String correlationId)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "")
                + path)).header("X-Correlation-Id", correlationId);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What java.net.http refuses to send: bytes on a socket, and the answer up to the server's close. */
    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8); // the request asked it to close
        }
    }
}
