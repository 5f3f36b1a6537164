package dev.libraryevents.localcloud.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The Lambda proxy integration's wire format, v1: the event a function gets, and the answer it gives back. */
final class ProxyEvent {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProxyEvent() {}

    /** The query string decoded, once with the last value of each name and once with all of them. */
    record Query(ObjectNode single, ObjectNode multi) {}

    static Query query(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        ObjectNode single = JSON.createObjectNode();
        ObjectNode multi = JSON.createObjectNode();
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            String key = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            single.put(key, value);
            multi.withArray(key).add(value);
        }
        return new Query(single, multi);
    }

    /**
     * @param query  null when the request has none
     * @param claims the ID token's claims when the method has an authorizer, else null
     */
    static String event(Request request, Routes.Route route, String stage, String method, String path, Map<String, String> parameters,
                         Query query, byte[] body, Map<String, String> claims) {
        ObjectNode event = JSON.createObjectNode()
                .put("resource", route.resourcePath())
                .put("path", path)
                .put("httpMethod", method);
        ObjectNode headers = event.putObject("headers");
        ObjectNode multiHeaders = event.putObject("multiValueHeaders");
        for (HttpField header : request.getHeaders()) {
            headers.put(header.getName(), header.getValue());
            multiHeaders.withArray(header.getName()).add(header.getValue());
        }
        if (query == null) {
            event.putNull("queryStringParameters");
            event.putNull("multiValueQueryStringParameters");
        } else {
            event.set("queryStringParameters", query.single());
            event.set("multiValueQueryStringParameters", query.multi());
        }
        if (parameters.isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode pathParameters = event.putObject("pathParameters");
            parameters.forEach(pathParameters::put);
        }
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext")
                .put("resourcePath", route.resourcePath())
                .put("httpMethod", method)
                .put("path", "/" + stage + path)
                .put("stage", stage)
                .put("requestId", UUID.randomUUID().toString())
                .put("requestTimeEpoch", System.currentTimeMillis())
                .put("accountId", CloudTemplate.ACCOUNT)
                .put("apiId", "local")
                .put("protocol", request.getConnectionMetaData().getProtocol());
        context.putObject("identity").put("sourceIp", Request.getRemoteAddr(request));
        if (claims != null) {
            ObjectNode passed = context.putObject("authorizer").putObject("claims");
            claims.forEach(passed::put);
        }
        if (body.length == 0) {
            event.putNull("body");
            event.put("isBase64Encoded", false);
        } else if (isUtf8(body)) {
            event.put("body", new String(body, StandardCharsets.UTF_8));
            event.put("isBase64Encoded", false);
        } else {
            event.put("body", Base64.getEncoder().encodeToString(body));
            event.put("isBase64Encoded", true);
        }
        return event.toString();
    }

    /** API Gateway passes text bodies as they are and anything else base64-encoded. */
    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** Answers with what the function returned, or API Gateway's 502 when that is no proxy response. */
    static void answer(Response response, Callback callback, String method, String body) {
        JsonNode proxied;
        try {
            proxied = JSON.readTree(body);
        } catch (IOException e) {
            proxied = null;
        }
        if (proxied == null || !proxied.path("statusCode").canConvertToInt()) {
            GatewayResponses.failed(response, callback, 502, "Internal server error");
            return;
        }
        Map<String, String> headers = new HashMap<>();
        proxied.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        String text = proxied.path("body").asText("");
        byte[] bytes = method.equals("HEAD") ? new byte[0] : proxied.path("isBase64Encoded").asBoolean()
                ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        GatewayResponses.answer(response, callback, proxied.path("statusCode").asInt(),
                headers.getOrDefault("Content-Type", "application/json"), bytes, headers);
    }

}
