package dev.libraryevents.support.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.support.aws.AwsClients;
import dev.libraryevents.support.logging.Log;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Names and emails, sealed for storage and events and opened for the people allowed to read them (docs/design.md §4b).
 * A new user gets a data key and their fields are sealed with it ({@link #newSubject}); a read opens every sealed
 * value in what it answers ({@link #reveal}), and shows {@value #ERASED} where the key is gone. Values in clear
 * (events of version 1) are shown as they are.
 */
public final class PersonalData {

    /** What a read shows for a personal field whose key was erased. */
    public static final String ERASED = "[erased]";
    /** What a read shows for a value its key does not open: altered, or sealed for someone else. */
    public static final String UNREADABLE = "[unreadable]";

    private final DataKeys keys;

    /** Whether a revealed value is the plaintext, not {@value #ERASED} or {@value #UNREADABLE}. */
    public static boolean isReadable(String revealed) {
        return !ERASED.equals(revealed) && !UNREADABLE.equals(revealed);
    }

    public PersonalData(DataKeys keys) {
        this.keys = keys;
    }

    /**
     * From the function's environment: {@code KEY_TABLE}, and {@code DATA_KEY_ID} for the one function that
     * registers users (the others only read).
     */
    public static PersonalData fromEnvironment() {
        String keyId = System.getenv("DATA_KEY_ID");
        return new PersonalData(new DataKeys(AwsClients.dynamoDb(), AwsClients.requiredEnv("KEY_TABLE"),
                () -> AwsClients.build(KmsClient.builder()), keyId == null || keyId.isBlank() ? null : keyId,
                Clock.systemUTC()));
    }

    public DataKeys keys() {
        return keys;
    }

    /** A user about to be registered: their new data key, with which their fields are sealed. */
    public record Subject(DataKeys.NewKey key) {

        public String seal(String plaintext) {
            return FieldCipher.encrypt(key.userId(), key.plaintext(), plaintext);
        }
    }

    public Subject newSubject(String userId) {
        return new Subject(keys.generate(userId));
    }

    /** One value opened: its plaintext; {@value #ERASED} if its key is gone; itself if it was never sealed. */
    public String reveal(String value) {
        Optional<String> owner = FieldCipher.owner(value);
        if (owner.isEmpty()) {
            return value;
        }
        return open(value, keys.find(owner.get()).orElse(null));
    }

    /** Opens a value with the key it names, when that key is still at hand. */
    public static String open(String value, byte[] key) {
        if (key == null) {
            return ERASED;
        }
        Optional<String> plaintext = FieldCipher.decrypt(value, key);
        if (plaintext.isEmpty()) {
            Log.warn("personal field not opened by its owner's key").with("owner", FieldCipher.owner(value)
                    .orElse("?")).write();
        }
        return plaintext.orElse(UNREADABLE);
    }

    /**
     * Every sealed value in this JSON, wherever it is, replaced by {@link #reveal}'s answer: one batch read of the
     * keys it needs. Returns the same node, changed in place.
     */
    public <T extends JsonNode> T reveal(T json) {
        Set<String> owners = new HashSet<>();
        visit(json, (parent, field, value) -> FieldCipher.owner(value).ifPresent(owners::add));
        if (owners.isEmpty()) {
            return json;
        }
        Map<String, byte[]> found = keys.findAll(owners);
        visit(json, (parent, field, value) -> FieldCipher.owner(value).ifPresent(owner -> {
            String opened = open(value, found.get(owner));
            if (parent instanceof ObjectNode object) {
                object.put(field, opened);
            } else {
                ((ArrayNode) parent).set(Integer.parseInt(field), opened);
            }
        }));
        return json;
    }

    /**
     * SnapStart's priming of what a first read of personal data runs: a value sealed for a user nobody is (a random
     * id), with a throwaway key, is opened with that key, then revealed alone and in a document (the key table's
     * GetItem and BatchGetItem find nothing: {@value #ERASED}); and KMS is asked to unwrap a blob that is no key,
     * which it refuses. Reads nothing that exists, writes nothing.
     */
    public void prime() {
        String nobody = UUID.randomUUID().toString();
        byte[] throwaway = new byte[32];
        new SecureRandom().nextBytes(throwaway);
        String sealed = FieldCipher.encrypt(nobody, throwaway, "priming");
        open(sealed, throwaway);
        reveal(sealed);
        reveal(JsonNodeFactory.instance.objectNode().put("name", sealed));
        keys.primeUnwrap(nobody);
    }

    private interface TextVisitor {
        void visit(JsonNode parent, String field, String value);
    }

    private static void visit(JsonNode node, TextVisitor visitor) {
        if (node instanceof ObjectNode object) {
            for (var field : object.properties()) {
                JsonNode child = field.getValue();
                if (child.isTextual()) {
                    visitor.visit(object, field.getKey(), child.textValue());
                } else {
                    visit(child, visitor);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                if (child.isTextual()) {
                    visitor.visit(array, Integer.toString(i), child.textValue());
                } else {
                    visit(child, visitor);
                }
            }
        }
    }
}
