package dev.libraryevents.library.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.events.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The opaque {@code cursor} of a list (docs/design.md §4c): where the previous page stopped, bound to the query it
 * belongs to, with a checksum. A cursor that was altered, or that belongs to another query, is refused. It is not a
 * secret: what it holds is a key of the list it came from, and the store refuses a key outside that list.
 */
final class Cursors {

    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = EventCodec.shared().mapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int CHECKSUM_BYTES = 12;
    /** Far above any position a list here makes (four keys of at most ~1 KB). */
    static final int MAX_LENGTH = 8_192;

    private Cursors() {}

    /** @param query the list and its parameters, canonically: the cursor is good for that query alone */
    static String encode(String query, Map<String, String> position) {
        ObjectNode body = JSON.createObjectNode().put("q", digest(query, 9));
        ObjectNode key = body.putObject("k");
        position.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> key.put(entry.getKey(), entry.getValue()));
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(checksum(bytes));
    }

    static Map<String, String> decode(String query, String cursor) throws Refused {
        int dot = cursor.indexOf('.');
        if (cursor.length() > MAX_LENGTH || dot < 0) {
            throw new Refused("is not a cursor this list gave");
        }
        byte[] bytes;
        byte[] checksum;
        try {
            bytes = DECODER.decode(cursor.substring(0, dot));
            checksum = DECODER.decode(cursor.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new Refused("is not a cursor this list gave");
        }
        if (!MessageDigest.isEqual(checksum, checksum(bytes))) {
            throw new Refused("was altered");
        }
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new Refused("is not a cursor this list gave");
        }
        if (!digest(query, 9).equals(body.path("q").asText())) {
            throw new Refused("belongs to another query: keep the parameters the first page was asked with");
        }
        Map<String, String> position = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = body.path("k").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            position.put(field.getKey(), field.getValue().asText());
        }
        return position;
    }

    static Optional<String> next(String query, Map<String, String> position) {
        return Optional.ofNullable(position).map(key -> encode(query, key));
    }

    private static byte[] checksum(byte[] bytes) {
        return Arrays.copyOf(sha256(("library-events cursor\n" + new String(bytes, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)), CHECKSUM_BYTES);
    }

    private static String digest(String text, int bytes) {
        return ENCODER.encodeToString(Arrays.copyOf(sha256(text.getBytes(StandardCharsets.UTF_8)), bytes));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
