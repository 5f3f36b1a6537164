package dev.libraryevents.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.infra.LibraryEventsStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/** The whole system end to end over HTTP, on a local cloud started from the freshly synthesized template. */
class LocalCloudIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalCloud cloud;

    record Response(int status, JsonNode body, Map<String, java.util.List<String>> headers) {}

    @BeforeAll
    static void startTheLocalCloud() throws Exception {
        Path assembly = Files.createTempDirectory("cdk.out");
        App app = new App(AppProps.builder().outdir(assembly.toString())
                .context(Map.of("deletionProtection", "false")).build());
        LibraryEventsStack.create(app, Path.of("../..").toAbsolutePath().normalize());
        app.synth();
        cloud = LocalCloud.start(new LocalCloud.Options(assembly.resolve("LibraryEvents.template.json"), 0, 0, null,
                Path.of("target", "local-cloud-logs"), 2));
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void shouldRunTheLendingLifecycle_withEveryConsumersResult() throws Exception {
        String bookId = post("/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"copies\":1}", "it-add")
                .body().path("bookId").asText();
        String userId = post("/users", "{\"name\":\"Ada\",\"email\":\"" + UUID.randomUUID() + "@example.org\"}",
                "it-register").body().path("userId").asText();
        Response borrowed = post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}",
                "it-borrow");
        assertThat(borrowed.status()).isEqualTo(201);
        String borrowingId = borrowed.body().path("borrowingId").asText();
        assertThat(post("/borrowings/" + borrowingId + "/return", null, "it-return").status()).isEqualTo(200);
        assertThat(post("/users/" + userId + "/suspend", "{\"reason\":\"test\"}", "it-suspend").status())
                .isEqualTo(200);
        Response refused = post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}",
                "it-refused");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body().path("type").asText()).isEqualTo("urn:problem:user-suspended");

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                get("/users/" + userId + "/notifications").body().path("items").findValuesAsText("kind"))
                .containsExactly("ACCOUNT_SUSPENDED", "RETURN_CONFIRMATION", "BORROW_CONFIRMATION", "WELCOME"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode totals = get("/reports/usage").body().path("totals");
            assertThat(totals.path("borrowings").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(totals.path("returns").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(totals.path("notificationsSent").asInt()).isGreaterThanOrEqualTo(4);
        });
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                get("/audit/borrowings/" + borrowingId).body().path("items").findValuesAsText("eventType"))
                .containsExactly("BookBorrowed", "BookReturned"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode trace = get("/traces/it-borrow").body().path("events");
            assertThat(trace.findValuesAsText("eventType")).contains("BookBorrowed", "NotificationSent");
            assertThat(trace.get(0).path("eventType").asText()).isEqualTo("BookBorrowed");
        });
        String returnedAt = get("/borrowings/" + borrowingId).body().path("returnedAt").asText();
        assertThat(get("/audit/users/" + userId + "/state?at=" + returnedAt).body().path("status").asText())
                .isEqualTo("ACTIVE");
        assertThat(post("/audit/snapshots", null, "it-snapshot").status()).isEqualTo(201);
        assertThat(get("/nowhere").status()).isEqualTo(404);
    }

    private static Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(cloud.apiUrl() + path.substring(1))).GET().build());
    }

    private static Response post(String path, String json, String correlationId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.apiUrl() + path.substring(1)))
                .header("X-Correlation-Id", correlationId);
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build());
    }

    private static Response send(HttpRequest request) throws Exception {
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        return new Response(response.statusCode(), body, response.headers().map());
    }
}
