package dev.libraryevents.support.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.auth.Caller;
import dev.libraryevents.support.http.idempotency.Receipt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP request as a route sees it: the matched path parameters, the query, the body, the request's correlation
 * id, which every event the request causes carries, the signed-in caller, already allowed the route (§4a), and, for a
 * write sent with an {@code Idempotency-Key}, the receipt its answer is recorded with (§4e; null without one).
 */
public record ApiRequest(String method, String path, Map<String, String> pathParameters,
                         Map<String, String> queryParameters, String contentType, String body, String correlationId,
                         Caller caller, Receipt receipt) {

    ApiRequest withReceipt(Receipt receipt) {
        return new ApiRequest(method, path, pathParameters, queryParameters, contentType, body, correlationId, caller,
                receipt);
    }

    /** Each field once: a lenient parser would keep the last of two and hide the first. */
    private static final ObjectReader STRICT_JSON = EventCodec.shared().mapper().reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern DUPLICATE_FIELD = Pattern.compile("Duplicate field '(.*)'");
    private static final Pattern CHARSET = Pattern.compile(";\\s*charset\\s*=\\s*\"?([^\";\\s]*)",
            Pattern.CASE_INSENSITIVE);

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
        if (!isUtf8(contentType)) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "send the body in UTF-8 (charset=utf-8, or no charset)"));
        }
        JsonNode node = readOneValue(body);
        if (!(node instanceof ObjectNode object)) {
            throw new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON",
                    "the body must be a JSON object"));
        }
        return object;
    }

    /** One JSON value and nothing after it: {@code {...} xyz} is not read as {@code {...}}. */
    private static JsonNode readOneValue(String body) {
        try (JsonParser parser = STRICT_JSON.createParser(body)) {
            JsonNode node = STRICT_JSON.readTree(parser);
            boolean more;
            try {
                more = parser.nextToken() != null;
            } catch (JsonProcessingException garbage) {
                more = true;
            }
            if (more) {
                throw malformed("the body goes on after its JSON value");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw malformed(whatIsWrong(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String cannot fail to be read
        }
    }

    private static ProblemException malformed(String detail) {
        return new ProblemException(Problem.of(400, "malformed-json", "Malformed JSON", detail));
    }

    /** What is wrong with the body, in a client's terms rather than the parser's. */
    private static String whatIsWrong(JsonProcessingException e) {
        Matcher duplicate = DUPLICATE_FIELD.matcher(String.valueOf(e.getOriginalMessage()));
        if (duplicate.find()) {
            return "the field \"" + duplicate.group(1) + "\" appears more than once";
        }
        if (e instanceof StreamConstraintsException) {
            return "the body nests too deeply or holds a value too long to read";
        }
        if (e instanceof JsonEOFException) {
            return "the body ends before its JSON value does";
        }
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "the body is not valid JSON"
                : "the body is not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    private static boolean isUtf8(String contentType) {
        Matcher charset = CHARSET.matcher(contentType);
        return !charset.find() || charset.group(1).equalsIgnoreCase("utf-8")
                || charset.group(1).equalsIgnoreCase("utf8");
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.endsWith("+json");
    }
}
