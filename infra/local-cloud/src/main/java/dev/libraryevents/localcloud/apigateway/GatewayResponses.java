package dev.libraryevents.localcloud.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What API Gateway answers itself, before or instead of a function: the template's gateway responses (a missing or
 * refused token, a path or method with no route) over API Gateway's defaults, its 5xx for a function that fails or
 * times out, and a problem+json 400 for a request it cannot parse.
 */
final class GatewayResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One of the gateway's own answers ({@code AWS::ApiGateway::GatewayResponse}, or API Gateway's default). */
    record GatewayAnswer(int status, String contentType, String body, Map<String, String> headers) {}

    /** By response type; API Gateway's defaults unless the template has its own. */
    private final Map<String, GatewayAnswer> gatewayAnswers = new HashMap<>(Map.of(
            "MISSING_AUTHENTICATION_TOKEN", new GatewayAnswer(403, "application/json",
                    "{\"message\":\"Missing Authentication Token\"}", Map.of()),
            "UNAUTHORIZED", new GatewayAnswer(401, "application/json", "{\"message\":\"Unauthorized\"}", Map.of())));

    GatewayResponses(CloudTemplate template) {
        for (JsonNode response : template.ofType("AWS::ApiGateway::GatewayResponse").values()) {
            Map<String, String> headers = new HashMap<>();
            response.path("ResponseParameters").fields().forEachRemaining(parameter -> {
                if (parameter.getKey().startsWith("gatewayresponse.header.")) {
                    // Static values only ('text'): the ones this stack uses.
                    headers.put(parameter.getKey().substring("gatewayresponse.header.".length()),
                            parameter.getValue().asText().replaceAll("^'|'$", ""));
                }
            });
            String type = response.path("ResponseType").asText();
            GatewayAnswer standard = gatewayAnswers.getOrDefault(type, new GatewayAnswer(500, "application/json",
                    "{\"message\":null}", Map.of()));
            gatewayAnswers.put(type, new GatewayAnswer(response.path("StatusCode").asInt(standard.status()),
                    headers.getOrDefault("Content-Type", "application/json"),
                    response.path("ResponseTemplates").path("application/json").asText(standard.body()), headers));
        }
    }

    /** The answer of a response type: {@code MISSING_AUTHENTICATION_TOKEN}, {@code UNAUTHORIZED}. */
    void answer(Response response, Callback callback, String type) {
        answer(response, callback, gatewayAnswers.get(type));
    }

    /** API Gateway's own 5xx: {@code message} as it words it. */
    static void failed(Response response, Callback callback, int status, String message) {
        answer(response, callback, status, "application/json",
                ("{\"message\": \"" + message + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** What the gateway says of a request it could not parse: problem+json, like every other answer here. */
    static byte[] malformedRequest(int status) {
        ObjectNode problem = JSON.createObjectNode().put("type", "urn:problem:bad-request").put("title", "Bad request")
                .put("status", status)
                .put("detail", "the request is not well-formed HTTP (its path, query or headers)");
        return problem.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(Response response, Callback callback, GatewayAnswer answer) {
        answer(response, callback, answer.status(), answer.contentType(),
                answer.body().getBytes(StandardCharsets.UTF_8), answer.headers());
    }

    static void answer(Response response, Callback callback, int status, String contentType, byte[] body,
                               Map<String, String> headers) {
        response.setStatus(status);
        headers.forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

}
