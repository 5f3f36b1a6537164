package dev.libraryevents.support.http.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import dev.libraryevents.support.http.Problem;
import dev.libraryevents.support.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code Idempotency-Key} header (docs/design.md §4e, after the IETF httpapi draft): 1–255 visible ASCII
 * characters, the client's own name for one write it may have to send again.
 */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";
    /** On a replayed answer: the answer is the one recorded the first time, and nothing was done again. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    static final int MAX_LENGTH = 255;

    private IdempotencyKey() {}

    /** @throws ProblemException 400 {@code validation-failed} for a key that is empty, too long or not visible ASCII */
    public static String validated(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_LENGTH
                || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new ProblemException(Problem.validationFailed(List.of(new Problem.FieldError(HEADER,
                    "must be 1 to " + MAX_LENGTH + " visible ASCII characters (no spaces)"))));
        }
        return key;
    }

    /**
     * Which record the key names: the caller's key for this method and path (a key reused on another route is
     * another key). Hashed, so that the table's partition key is short whatever the key and path are.
     */
    static String scope(String sub, String method, String path, String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(
                String.join("\n", sub, method, path, key)));
    }

    /**
     * What "the same request" means: the body compared as parsed JSON (member order and spacing do not matter), or
     * as text when it is not JSON; no body is the empty text.
     */
    static byte[] fingerprint(String body) {
        if (body == null || body.isBlank()) {
            return sha256("");
        }
        try {
            return sha256("json:" + canonical(EventCodec.shared().mapper().readTree(body)));
        } catch (JsonProcessingException notJson) {
            return sha256("text:" + body);
        }
    }

    /** The value with every object's members in name order. */
    private static JsonNode canonical(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                sorted.put(member.getKey(), canonical(member.getValue()));
            }
            ObjectNode ordered = JsonNodeFactory.instance.objectNode();
            sorted.forEach(ordered::set);
            return ordered;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode ordered = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> ordered.add(canonical(element)));
            return ordered;
        }
        return node;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
