package dev.libraryevents.library;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.support.aws.Items;
import dev.libraryevents.support.export.ExportBucket;
import dev.libraryevents.support.outbox.Outbox;
import dev.libraryevents.support.privacy.DataKeys;
import dev.libraryevents.support.privacy.PersonalData;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.SignedIn;
import dev.libraryevents.testing.StandInKms;
import dev.libraryevents.testing.TestClock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The library-api function as API Gateway calls it, over a fresh table in DynamoDB Local, with a clock the test
 * moves, KMS a stand-in (StandInKms). Requests are proxy events v1, as the REST API sends them, signed in as a librarian unless the test says
 * who ({@link #as}).
 */
final class LibraryApi {

    static final DynamoDbLocal DYNAMODB = DynamoDbLocal.shared();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Response(int status, JsonNode body, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name);
        }

        String problemType() {
            return body.path("type").asText();
        }

        String id(String field) {
            return body.path(field).asText();
        }
    }

    final String table;
    final String keyTable;
    final TestClock clock;
    private final LibraryService library;
    /** The export saga's side, over a bucket that fails any use: these tests reach no S3 (PersonalDataIT does). */
    final DataExports exports;
    final LibraryEffects effects;
    private final LibraryApiHandler handler;
    /** Who signs the requests in; null for none. */
    private final SignedIn caller;

    /** The test deployment's pickup window: short, as {@code bin/local-cloud --context holdPickupWindow=PT20S}. */
    static final Duration PICKUP_WINDOW = Duration.ofHours(1);

    LibraryApi() {
        table = DYNAMODB.createKeysOnlyServiceTable("library", LibraryTable.INDEXES.toArray(String[]::new));
        keyTable = DYNAMODB.createKeyTable("keys");
        clock = new TestClock(Instant.parse("2026-11-22T10:00:00.000Z"));
        LibraryTable libraryTable = new LibraryTable(DYNAMODB.client(), table, new Outbox(table, EventCodec.shared()));
        library = new LibraryService(libraryTable, new PersonalData(new DataKeys(DYNAMODB.client(),
                keyTable, new StandInKms(), StandInKms.KEY_ID, clock)), clock, PICKUP_WINDOW);
        ExportBucket noS3 = new ExportBucket(() -> {
            throw new AssertionError("no S3 in this test");
        }, () -> {
            throw new AssertionError("no S3 in this test");
        }, "exports");
        exports = new DataExports(libraryTable, library, noS3, clock);
        effects = new LibraryEffects(libraryTable, library, noS3, clock);
        handler = new LibraryApiHandler(library, exports);
        caller = SignedIn.librarian();
    }

    private LibraryApi(LibraryApi api, SignedIn caller) {
        this.table = api.table;
        this.exports = api.exports;
        this.effects = api.effects;
        this.keyTable = api.keyTable;
        this.clock = api.clock;
        this.library = api.library;
        this.handler = api.handler;
        this.caller = caller;
    }

    /** The service behind the API: what the library's other functions (the expiry sweep, the consumer) call. */
    LibraryService library() {
        return library;
    }

    /** The same function and table, called by {@code caller} (null: nobody signed in). */
    LibraryApi as(SignedIn caller) {
        return new LibraryApi(this, caller);
    }

    /** What SnapStart runs before the snapshot. */
    void prime() {
        handler.prime();
    }

    Response post(String path, String json) {
        return send("POST", path, "application/json", json, Map.of());
    }

    Response get(String path) {
        return send("GET", path, null, null, Map.of());
    }

    Response delete(String path) {
        return send("DELETE", path, null, null, Map.of());
    }

    Response send(String method, String path, String contentType, String body, Map<String, String> extraHeaders) {
        return send(method, path, contentType, body, extraHeaders, null);
    }

    /** As API Gateway passes a header sent more than once: every value under multiValueHeaders, the last in headers. */
    Response sendMultiValued(String method, String path, String json, Map<String, List<String>> headers) {
        Map<String, String> last = new HashMap<>();
        headers.forEach((name, values) -> last.put(name, values.get(values.size() - 1)));
        return send(method, path, "application/json", json, last, headers);
    }

    private Response send(String method, String path, String contentType, String body,
                          Map<String, String> extraHeaders, Map<String, List<String>> multiValueHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        int question = path.indexOf('?');
        Map<String, String> query = new HashMap<>();
        if (question >= 0) {
            for (String pair : path.substring(question + 1).split("&")) {
                String[] nameAndValue = pair.split("=", 2);
                query.put(decoded(nameAndValue[0]), nameAndValue.length > 1 ? decoded(nameAndValue[1]) : "");
            }
        }
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withPath(question >= 0 ? path.substring(0, question) : path)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withResource("/{proxy+}")
                .withHeaders(headers)
                .withMultiValueHeaders(multiValueHeaders)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(caller == null ? new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId(UUID.randomUUID().toString()) : caller.requestContext());
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);
        try {
            return new Response(response.getStatusCode(), JSON.readTree(response.getBody()), response.getHeaders());
        } catch (Exception e) {
            throw new AssertionError("response body is not JSON: " + response.getBody(), e);
        }
    }

    /** As API Gateway decodes a query string; a malformed escape stays as it came. */
    private static String decoded(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    String addBook(int copies) {
        return post("/books", "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"copies\":" + copies + "}")
                .id("bookId");
    }

    String registerUser() {
        String name = "Reader " + UUID.randomUUID();
        return post("/users", "{\"name\":\"" + name + "\",\"email\":\"" + UUID.randomUUID() + "@example.org\"}")
                .id("userId");
    }

    String borrow(String userId, String bookId) {
        return post("/borrowings", "{\"userId\":\"" + userId + "\",\"bookId\":\"" + bookId + "\"}").id("borrowingId");
    }

    /** Every item in the table, outbox rows included. */
    List<Map<String, AttributeValue>> items() {
        return DYNAMODB.client().scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream().toList();
    }

    List<JsonNode> outboxEvents() {
        return items().stream()
                .filter(item -> item.get(Items.PARTITION_KEY).s().startsWith(Outbox.ROW_PREFIX))
                .map(item -> {
                    try {
                        return JSON.readTree(item.get(Outbox.EVENT).s());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }
}
