package dev.libraryevents.support.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a route sees it: the matched path parameters, the query, the body and the request's
 * correlation id, which every event the request causes carries.
 */
public record ApiRequest(String method, String path, Map<String, String> pathParameters,
                         Map<String, String> queryParameters, String contentType, String body, String correlationId) {

    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(queryParameters.get(name));
    }

    public boolean hasBody() {
        return body != null && !body.isBlank();
    }

    /**
     * The body as a JSON object, or an empty object when there is none and {@code required} is false.
     *
     * @throws ProblemException {@code unsupported-media-type}, {@code malformed-json} or {@code validation-failed}
     */
    public ObjectNode jsonBody(boolean required) {
        if (!hasBody()) {
            if (required) {
                throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                        "the request needs a JSON object body"));
            }
            return EventCodec.shared().mapper().createObjectNode();
        }
        if (!isJson(contentType)) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "send the body as application/json"));
        }
        JsonNode node;
        try {
            node = EventCodec.shared().mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                    "the body is not valid JSON: " + e.getOriginalMessage()));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                    "the body must be a JSON object"));
        }
        return object;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }
}
