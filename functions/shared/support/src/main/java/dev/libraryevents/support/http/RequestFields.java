package dev.libraryevents.support.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.support.http.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads the fields of a JSON request body, collecting every problem instead of stopping at the first, so a client
 * learns in one answer all it must fix. Text is stripped of surrounding white space before it is measured.
 */
public final class RequestFields {

    private final ObjectNode body;
    private final List<FieldError> errors = new ArrayList<>();

    private RequestFields(ObjectNode body) {
        this.body = body;
    }

    public static RequestFields of(ObjectNode body) {
        return new RequestFields(body);
    }

    public String requiredText(String name, int maxLength) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return reject(name, "is required");
        }
        return text(name, node, 1, maxLength);
    }

    public String optionalText(String name, int maxLength) {
        JsonNode node = body.get(name);
        return node == null || node.isNull() ? null : text(name, node, 0, maxLength);
    }

    /** Text that must also pass {@code check}; {@code message} says what it should look like. */
    public String requiredText(String name, int maxLength, Predicate<String> check, String message) {
        String value = requiredText(name, maxLength);
        return value == null || check.test(value) ? value : reject(name, message);
    }

    public String optionalText(String name, int maxLength, Predicate<String> check, String message) {
        String value = optionalText(name, maxLength);
        return value == null || value.isEmpty() || check.test(value) ? emptyToNull(value) : reject(name, message);
    }

    public int optionalInteger(String name, int min, int max, int defaultValue) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            reject(name, "must be a whole number from " + min + " to " + max);
            return defaultValue;
        }
        int value = node.intValue();
        if (value < min || value > max) {
            reject(name, "must be from " + min + " to " + max);
        }
        return value;
    }

    /** A fault the route finds itself, reported with the others. */
    public void invalid(String name, String message) {
        reject(name, message);
    }

    /** @throws ProblemException {@code validation-failed} naming every field found wrong */
    public void validate() {
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validationFailed(errors));
        }
    }

    private String text(String name, JsonNode node, int minLength, int maxLength) {
        if (!node.isTextual()) {
            return reject(name, "must be a string");
        }
        String value = node.textValue().strip();
        if (!Text.isWellFormed(value)) {
            return reject(name, "must be valid Unicode text (it holds an unpaired surrogate)");
        }
        if (Text.hasControlCharacters(value)) {
            return reject(name, "must not contain control characters");
        }
        int length = value.codePointCount(0, value.length());
        if (length < minLength) {
            return reject(name, "must not be blank");
        }
        if (length > maxLength) {
            return reject(name, "must be at most " + maxLength + " characters");
        }
        return value;
    }

    private String reject(String name, String message) {
        errors.add(new FieldError(name, message));
        return null;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
