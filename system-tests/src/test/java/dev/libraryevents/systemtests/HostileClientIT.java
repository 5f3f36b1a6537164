package dev.libraryevents.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.localcloud.cognito.CognitoIdp;
import dev.libraryevents.localcloud.cognito.Jwt;
import dev.libraryevents.localcloud.hooks.Metering;
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
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;

/**
 * A hostile but realistic client against the running local cloud, over real HTTP: methods a path does not take,
 * HEAD, requests API Gateway cannot parse, tokens it must not trust, generated strings in every body field and path
 * id of every service, and a service that tries to publish as another.
 */
class HostileClientIT {

    @RegisterExtension
    static final RunningLocalCloud CLOUD = RunningLocalCloud.started();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long SEED = Long.getLong("hostile.seed", System.nanoTime());
    private static final int PER_FIELD = 30;

    private static LocalCloud cloud;
    private static URI base;
    /** A librarian's ID token: the requests below are refused for what they carry, not for who sends them. */
    private static String librarian;

    @BeforeAll
    static void connect() {
        cloud = CLOUD.cloud();
        base = cloud.apiUrl();
        librarian = Stack.librarian(cloud).token();
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

    /**
     * docs/design.md §4e's keys, in every shape a client (or an attacker) can put on the wire: each one a 400 that
     * names the header, and no book added. A key at the limit is taken.
     */
    @Test
    void shouldRefuseIdempotencyKeysOfEveryOddShape_andWriteNothing() throws Exception {
        String title = "Keyed " + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"title\":\"" + title + "\",\"author\":\"Nobody\"}";
        for (String keyLines : List.of("Idempotency-Key: \r\n", "Idempotency-Key:    \r\n",
                "Idempotency-Key: " + "k".repeat(256) + "\r\n", "Idempotency-Key: two words\r\n",
                "Idempotency-Key: tab\tbed\r\n", "Idempotency-Key: na\u00efve\r\n",
                "Idempotency-Key: \u00e9\u00e9\r\n", "Idempotency-Key: bell\u0007\r\n",
                "Idempotency-Key: one\r\nIdempotency-Key: two\r\n")) {
            String answer = raw("POST /books HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
                    + librarian + "\r\nContent-Type: application/json\r\n" + keyLines + "Content-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body, StandardCharsets.UTF_8);

            assertThat(answer).as(keyLines).startsWith("HTTP/1.1 400")
                    .contains("Content-Type: application/problem+json");
            assertThat(answer).as(keyLines).containsAnyOf("\"field\":\"Idempotency-Key\"", "urn:problem:bad-request");
        }
        HttpResponse<String> atTheLimit = HTTP.send(HttpRequest.newBuilder(URI.create(base.toString()
                        .replaceAll("/$", "") + "/books")).header("Authorization", "Bearer " + librarian)
                .header("Content-Type", "application/json").header("Idempotency-Key", "~".repeat(255))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(atTheLimit.statusCode()).isEqualTo(201);
        HttpResponse<String> found = send("GET", "/books?q=" + URLEncoder.encode(title, StandardCharsets.UTF_8),
                null, "hostile-keys");
        assertThat(JSON.readTree(found.body()).path("items")).as("only the keyed book at the limit").hasSize(1);
    }

    /**
     * A client keeps its connection for the next request unless told otherwise; Jetty drops the connection after a
     * request it could not parse, so the answer must say so, or the client's next request gets no answer at all.
     */
    @Test
    void shouldSayConnectionClose_whenItDropsAnUnparsableRequestsConnection() throws Exception {
        for (String request : List.of(
                "GET /books/%00 HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /books/%2F HTTP/1.1\r\nHost: x\r\n\r\n")) {
            String answer = raw(request); // ends when the server closes; fails after 10 s if it keeps the connection

            assertThat(answer).as(request).startsWith("HTTP/1.1 400").contains("Connection: close");
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
            tried += check(failures, "POST", "/borrowings/" + id + "/renew", null);
            // the catalog's and the lists' parameters (§4c), every one of them hostile in turn
            for (String list : List.of("/books?q=", "/books?available=", "/books?limit=", "/books?cursor=",
                    "/users?email=", "/users?status=", "/users?cursor=", "/users/" + UUID.randomUUID()
                            + "/borrowings?status=", "/books/" + UUID.randomUUID() + "/borrowings?cursor=")) {
                tried += check(failures, "GET", list + id, null);
            }
            tried += check(failures, "POST", "/users/" + id + "/reinstate", null);
            // the holds (§4d): path ids, body fields and list parameters
            for (String path : List.of("/holds/", "/audit/holds/")) {
                tried += check(failures, "GET", path + id, null);
            }
            tried += check(failures, "DELETE", "/holds/" + id, null);
            tried += check(failures, "POST", "/holds", JSON.createObjectNode().put("userId", text)
                    .put("bookId", text).toString());
            for (String list : List.of("/users/" + UUID.randomUUID() + "/holds?status=",
                    "/books/" + UUID.randomUUID() + "/holds?cursor=", "/users/" + id + "/holds?limit=")) {
                tried += check(failures, "GET", list + id, null);
            }
        }

        assertThat(failures).as("seed %d, %d requests", SEED, tried).isEmpty();
        System.out.printf("generated input: %d requests, seed %d%n", tried, SEED);
    }

    /**
     * docs/design.md §4a's untrustworthy tokens, each forged to fail one check only (signed with the pool's own key
     * where the signature is not the point): a 401 from the gateway itself, problem+json with {@code WWW-Authenticate},
     * and no function invoked, so nothing written. The same claims, validly signed, are let in.
     */
    @Test
    void shouldAnswer401ToEveryTokenItCannotTrust_withoutInvokingAFunction() throws Exception {
        CognitoIdp pools = cloud.cognito();
        String pool = cloud.userPools().keySet().iterator().next();
        String client = cloud.userPools().get(pool).get(0);
        long now = System.currentTimeMillis() / 1000;
        ObjectNode valid = JSON.createObjectNode().put("sub", UUID.randomUUID().toString())
                .put("email", "forger@example.org").put("iss", pools.issuer(pool)).put("aud", client)
                .put("token_use", "id").put("iat", now).put("exp", now + 600);
        valid.putArray("cognito:groups").add("librarians");
        String signed = pools.sign(valid);
        String[] parts = signed.split("\\.");
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String memberToken;
        try (Stack.SignIns signIns = Stack.SignIns.at(cloud.awsEndpoint(), "LibraryEvents")) {
            memberToken = signIns.member();
        }
        String[] member = memberToken.split("\\.");
        ObjectNode promoted = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(member[1]));
        promoted.putArray("cognito:groups").add("librarians");

        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("no Authorization header", null);
        refused.put("Bearer with garbage", "Bearer garbage");
        refused.put("Bearer and nothing", "Bearer ");
        refused.put("alg none", "Bearer " + base64Url("{\"alg\":\"none\"}") + "." + parts[1] + ".");
        refused.put("signed by another key", "Bearer " + Jwt.sign(header(parts[0]).path("kid").asText(),
                rsa.generateKeyPair().getPrivate(), valid));
        refused.put("expired", "Bearer " + pools.sign(valid.deepCopy().put("exp", now - 1)));
        refused.put("from another pool", "Bearer " + pools.sign(valid.deepCopy()
                .put("iss", pools.issuer("us-east-1_An0therPo"))));
        refused.put("for another app", "Bearer " + pools.sign(valid.deepCopy().put("aud", "someone-elses-app")));
        ObjectNode access = valid.deepCopy().put("token_use", "access").put("client_id", client);
        access.remove("aud");
        refused.put("an access token", "Bearer " + pools.sign(access));
        refused.put("a member's token, promoted to librarian", "Bearer " + member[0] + "."
                + base64Url(promoted.toString()) + "." + member[2]);
        String book = "{\"title\":\"Forged\",\"author\":\"Nobody\"}";

        Map<String, Double> before = cloud.hooks().metering().snapshot();
        for (Map.Entry<String, String> token : refused.entrySet()) {
            HttpResponse<String> response = send("POST", "/books", book, "hostile-token", token.getValue());

            assertThat(response.statusCode()).as(token.getKey()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).as(token.getKey())
                    .hasValue("application/problem+json");
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(token.getKey()).hasValue("Bearer");
            assertThat(JSON.readTree(response.body()).path("type").asText()).isEqualTo("urn:problem:unauthorized");
        }
        assertThat(Metering.difference(before, cloud.hooks().metering().snapshot()))
                .as("no function was invoked").noneSatisfy((key, value) -> assertThat(key)
                        .startsWith("lambda.invocations|"));
        assertThat(cloud.hooks().eventsOf("hostile-token")).isEmpty();

        assertThat(send("POST", "/books", book, "hostile-token-valid", "Bearer " + signed).statusCode())
                .as("the same claims, validly signed").isEqualTo(201);
        assertThat(send("GET", "/reports/usage", null, "hostile-token-bare", signed).statusCode())
                .as("a bare token, as API Gateway also takes it").isEqualTo(200);
    }

    private static JsonNode header(String encoded) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(encoded));
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseARelay_puttingAnotherServicesSource() {
        String notificationRelay = cloud.hooks().functionNames().stream()
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
        HttpResponse<String> response;
        try {
            response = send(method, path, body, "hostile-generated");
        } catch (IOException e) {
            throw new AssertionError("seed " + SEED + ": " + method + " " + path + " got no answer: " + e, e);
        }
        if (response.statusCode() >= 500) {
            failures.add(method + " " + path + " " + body + " -> " + response.statusCode() + " " + response.body());
        }
        return 1;
    }

    private static HttpResponse<String> send(String method, String path, String body, String correlationId)
            throws Exception {
        return send(method, path, body, correlationId, "Bearer " + librarian);
    }

    /** @param authorization the header's value; null for none */
    private static HttpResponse<String> send(String method, String path, String body, String correlationId,
                                             String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "")
                + path)).header("X-Correlation-Id", correlationId);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** What java.net.http refuses to send: bytes on a socket, and the answer up to the server's close. */
    private static String raw(String request) throws IOException {
        return raw(request, StandardCharsets.ISO_8859_1);
    }

    /** @param encoding how the request's characters go on the wire (UTF-8 for a header Jetty must take as bytes) */
    private static String raw(String request, java.nio.charset.Charset encoding) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(encoding));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8); // up to the server's close
        }
    }
}
