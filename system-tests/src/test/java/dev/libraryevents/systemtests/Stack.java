package dev.libraryevents.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.infra.LibraryEventsStack;
import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.ops.SignInAccounts;
import dev.libraryevents.testing.OpenApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/**
 * The stack synthesized fresh, once per test JVM, and an HTTP client for the API a local cloud serves from it,
 * signed in through the stack's user pool as its users are (docs/design.md §4a).
 */
final class Stack {

    private static Path template;

    private Stack() {}

    /** The template and its assets in a new cloud assembly, as {@code cdk synth} writes them. */
    static synchronized Path template() throws Exception {
        if (template == null) {
            Path assembly = Files.createTempDirectory("cdk.out");
            App app = new App(AppProps.builder().outdir(assembly.toString())
                    .context(Map.of("deletionProtection", "false")).build());
            LibraryEventsStack.create(app, repositoryRoot());
            app.synth();
            template = assembly.resolve("LibraryEvents.template.json");
        }
        return template;
    }

    /** The checkout's root (where cdk.json is), from wherever the tests or tools were started. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("cdk.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no cdk.json above " + Path.of("").toAbsolutePath());
    }

    static LocalCloud start(Path dataDirectory, Duration queueVisibility) throws Exception {
        return LocalCloud.start(new LocalCloud.Options(template(), 0, 0, dataDirectory,
                Path.of("target", "local-cloud-logs"), 2, queueVisibility));
    }

    /** The local cloud's API, signed in as a new librarian of its user pool. */
    static Api librarian(LocalCloud cloud) {
        try (SignIns signIns = SignIns.at(cloud.awsEndpoint(), cloud.stackName())) {
            return new Api(cloud.apiUrl(), signIns.librarian());
        }
    }

    /** Users of a deployment's user pool, made over Cognito's API wherever it runs, and their ID tokens. */
    static final class SignIns implements AutoCloseable {

        private final SignInAccounts accounts;

        SignIns(SignInAccounts accounts) {
            this.accounts = accounts;
        }

        static SignIns at(URI endpoint, String stackName) {
            return new SignIns(SignInAccounts.at(endpoint, stackName));
        }

        /** A new librarian's ID token. */
        String librarian() {
            return librarian("it-librarian-" + UUID.randomUUID() + "@example.org", SignInAccounts.newPassword());
        }

        /** A new librarian with this email and password: their ID token. */
        String librarian(String email, String password) {
            return accounts.add(email, password, true);
        }

        /** Signs an existing user in again: a new ID token. */
        String signIn(String email, String password) {
            return accounts.token(email, password);
        }

        /** A new member's ID token: signed up, not yet registered with the library. */
        String member() {
            return accounts.add("it-member-" + UUID.randomUUID() + "@example.org", SignInAccounts.newPassword(),
                    false);
        }

        @Override
        public void close() {
            accounts.close();
        }
    }

    /** The REST API over real HTTP, sending {@code token} as {@code Authorization: Bearer} (none when null). */
    record Api(URI base, String token) {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        private static final OpenApi OPENAPI = OpenApi.load();

        record Response(int status, JsonNode body, Map<String, List<String>> headers) {
            String id(String field) {
                return body.path(field).asText();
            }
        }

        /** The same API, signed in with another token (null: nobody). */
        Api as(String otherToken) {
            return new Api(base, otherToken);
        }

        Response get(String path) throws Exception {
            return send(request(path).GET().build());
        }

        Response delete(String path, String correlationId) throws Exception {
            return send(request(path).header("X-Correlation-Id", correlationId).DELETE().build());
        }

        Response post(String path, String json, String correlationId) throws Exception {
            HttpRequest.Builder request = request(path).header("X-Correlation-Id", correlationId);
            if (json == null) {
                request.POST(HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
            }
            return send(request.build());
        }

        /** A write with an {@code Idempotency-Key} (docs/design.md §4e); {@code json} null for none. */
        Response keyed(String method, String path, String json, String correlationId, String key) throws Exception {
            HttpRequest.Builder request = request(path).header("X-Correlation-Id", correlationId)
                    .header("Idempotency-Key", key);
            if (json == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json));
            }
            return send(request.build());
        }

        String addBook(String correlationId) throws Exception {
            return post("/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"copies\":5}", correlationId)
                    .id("bookId");
        }

        String registerUser(String correlationId) throws Exception {
            return post("/users", "{\"name\":\"Ada\",\"email\":\"" + UUID.randomUUID()
                    + "@example.org\"}", correlationId).id("userId");
        }

        Response borrow(String userId, String bookId, String correlationId) throws Exception {
            return post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}",
                    correlationId);
        }

        List<String> notificationKinds(String userId) throws Exception {
            return get("/users/" + userId + "/notifications").body().path("items").findValuesAsText("kind");
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path.substring(1)));
            return token == null ? request : request.header("Authorization", "Bearer " + token);
        }

        /** Sends the request; its answer must fit docs/openapi.yaml, whatever the test goes on to check. */
        private Response send(HttpRequest request) throws Exception {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String path = "/" + request.uri().getRawPath().substring(base.getRawPath().length());
            List<String> violations = OPENAPI.violations(request.method(), path, response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
            if (!violations.isEmpty()) {
                throw new AssertionError("the answer does not fit docs/openapi.yaml: " + violations + "\n"
                        + response.body());
            }
            JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Response(response.statusCode(), body, response.headers().map());
        }
    }
}
