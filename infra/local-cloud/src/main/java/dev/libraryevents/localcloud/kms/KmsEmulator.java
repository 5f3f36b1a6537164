package dev.libraryevents.localcloud.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * KMS for the template's {@code AWS::KMS::Key}s, in AWS's JSON 1.1 protocol ({@code TrentService.*}): the calls
 * envelope encryption makes ({@code GenerateDataKey}, {@code GenerateDataKeyWithoutPlaintext}, {@code Encrypt},
 * {@code Decrypt}) and {@code DescribeKey}, each checked against the caller's role like any other call. A key's
 * material is 256 random bits, kept in the data directory with the rest ({@code kms.json}), so data keys wrapped
 * before a restart still unwrap after it. The encryption context is bound as AES-GCM's additional data: a ciphertext
 * opens only with the context it was sealed under, as in KMS. Ciphertext blobs are this emulator's own format
 * (version, key id, nonce, sealed bytes): opaque to callers, as KMS's are.
 */
public final class KmsEmulator {

    public static final String TARGET_PREFIX = "TrentService";
    private static final byte BLOB_VERSION = 1;
    private static final int NONCE_BYTES = 12;

    /** A key of the template: its id (a UUID, stable per logical id), ARN and material. */
    private record Key(String keyId, String arn, String description, byte[] material) {}

    private final Map<String, Key> keysById = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** @param dataDirectory null to keep the keys' material in memory (and lose it at the end) */
    public KmsEmulator(CloudTemplate template, Path dataDirectory) throws IOException {
        Path store = dataDirectory == null ? null : dataDirectory.resolve("kms.json");
        JsonNode kept = store != null && Files.exists(store) ? CloudTemplate.JSON.readTree(store.toFile())
                : CloudTemplate.JSON.createObjectNode();
        ObjectNode keep = CloudTemplate.JSON.createObjectNode();
        template.ofType("AWS::KMS::Key").forEach((logicalId, properties) -> {
            String keyId = template.ref(logicalId);
            byte[] material = kept.has(keyId) ? Base64.getDecoder().decode(kept.get(keyId).asText()) : newMaterial();
            keysById.put(keyId, new Key(keyId, template.getAtt(logicalId, "Arn"),
                    properties.path("Description").asText(""), material));
            keep.put(keyId, Base64.getEncoder().encodeToString(material));
        });
        if (store != null) {
            Files.createDirectories(store.getParent());
            Path partial = store.resolveSibling("kms.json.partial");
            Files.writeString(partial, keep.toString());
            Files.move(partial, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The id a template's key gets here: stable, so that what a restart keeps still opens. */
    public static String keyIdOf(String logicalId) {
        return UUID.nameUUIDFromBytes(("kms-key/" + logicalId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public void handle(AwsEndpoint.Call call, String operation) throws IOException {
        JsonNode request = AwsEndpoint.readJson(call.body());
        try {
            String answer = switch (operation) {
                case "GenerateDataKey", "GenerateDataKeyWithoutPlaintext" -> generateDataKey(call, operation, request);
                case "Encrypt" -> encrypt(call, request);
                case "Decrypt" -> decrypt(call, request);
                case "DescribeKey" -> describeKey(call, request);
                default -> throw new KmsError("UnsupportedOperationException",
                        "The local cloud's KMS does not serve " + operation);
            };
            AwsEndpoint.respondJson(call.exchange(), 200, answer);
        } catch (KmsError e) {
            AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error(e.type, e.getMessage()));
        }
    }

    private String generateDataKey(AwsEndpoint.Call call, String operation, JsonNode request) {
        Key key = key(request.path("KeyId").asText(null));
        call.authorize("kms:" + operation, key.arn());
        int bytes = switch (request.path("KeySpec").asText("")) {
            case "AES_256" -> 32;
            case "AES_128" -> 16;
            case "" -> request.path("NumberOfBytes").asInt(0);
            default -> throw new KmsError("ValidationException", "KeySpec must be AES_256 or AES_128");
        };
        if (bytes < 1 || bytes > 1024) {
            throw new KmsError("ValidationException", "give KeySpec, or NumberOfBytes from 1 to 1024");
        }
        byte[] plaintext = new byte[bytes];
        random.nextBytes(plaintext);
        ObjectNode answer = CloudTemplate.JSON.createObjectNode().put("KeyId", key.arn())
                .put("CiphertextBlob", base64(seal(key, plaintext, request.path("EncryptionContext"))));
        if (operation.equals("GenerateDataKey")) {
            answer.put("Plaintext", base64(plaintext));
        }
        return answer.toString();
    }

    private String encrypt(AwsEndpoint.Call call, JsonNode request) {
        Key key = key(request.path("KeyId").asText(null));
        call.authorize("kms:Encrypt", key.arn());
        byte[] plaintext = decodeBase64(request.path("Plaintext").asText(""), "Plaintext");
        if (plaintext.length == 0 || plaintext.length > 4096) {
            throw new KmsError("ValidationException", "Plaintext must be 1 to 4096 bytes");
        }
        return CloudTemplate.JSON.createObjectNode().put("KeyId", key.arn())
                .put("CiphertextBlob", base64(seal(key, plaintext, request.path("EncryptionContext"))))
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT").toString();
    }

    private String decrypt(AwsEndpoint.Call call, JsonNode request) {
        byte[] blob = decodeBase64(request.path("CiphertextBlob").asText(""), "CiphertextBlob");
        if (blob.length < 1 + 16 + NONCE_BYTES + 16 || blob[0] != BLOB_VERSION) {
            throw new KmsError("InvalidCiphertextException", "the ciphertext is not one this KMS made");
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob, 1, 16);
        Key key = keysById.get(new UUID(buffer.getLong(), buffer.getLong()).toString());
        if (key == null) {
            throw new KmsError("InvalidCiphertextException", "the ciphertext names no key of this stack");
        }
        if (request.hasNonNull("KeyId") && !key.equals(key(request.get("KeyId").asText()))) {
            throw new KmsError("IncorrectKeyException", "the ciphertext was not made with the key given");
        }
        call.authorize("kms:Decrypt", key.arn());
        byte[] nonce = Arrays.copyOfRange(blob, 17, 17 + NONCE_BYTES);
        byte[] plaintext = crypt(Cipher.DECRYPT_MODE, key, nonce, request.path("EncryptionContext"),
                Arrays.copyOfRange(blob, 17 + NONCE_BYTES, blob.length));
        return CloudTemplate.JSON.createObjectNode().put("KeyId", key.arn()).put("Plaintext", base64(plaintext))
                .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT").toString();
    }

    private String describeKey(AwsEndpoint.Call call, JsonNode request) {
        Key key = key(request.path("KeyId").asText(null));
        call.authorize("kms:DescribeKey", key.arn());
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        answer.putObject("KeyMetadata").put("KeyId", key.keyId()).put("Arn", key.arn())
                .put("Description", key.description()).put("Enabled", true).put("KeyState", "Enabled")
                .put("KeyUsage", "ENCRYPT_DECRYPT").put("KeySpec", "SYMMETRIC_DEFAULT").put("KeyManager", "CUSTOMER")
                .put("Origin", "AWS_KMS");
        return answer.toString();
    }

    /** A key by id or ARN, as KMS takes them. */
    private Key key(String keyId) {
        if (keyId == null || keyId.isBlank()) {
            throw new KmsError("ValidationException", "KeyId is required");
        }
        for (Key key : keysById.values()) {
            if (key.keyId().equals(keyId) || key.arn().equals(keyId)) {
                return key;
            }
        }
        throw new KmsError("NotFoundException", "Key '" + keyId + "' does not exist");
    }

    private byte[] seal(Key key, byte[] plaintext, JsonNode context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, key, nonce, context, plaintext);
        UUID id = UUID.fromString(key.keyId());
        return ByteBuffer.allocate(1 + 16 + NONCE_BYTES + sealed.length).put(BLOB_VERSION)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).put(nonce).put(sealed)
                .array();
    }

    private static byte[] crypt(int mode, Key key, byte[] nonce, JsonNode context, byte[] input) {
        Map<String, String> sorted = new TreeMap<>();
        context.fields().forEachRemaining(field -> sorted.put(field.getKey(), field.getValue().asText()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key.material(), "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(CloudTemplate.JSON.writeValueAsBytes(sorted));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException | IOException e) {
            throw new KmsError("InvalidCiphertextException",
                    "the ciphertext, or the encryption context given with it, is not the one sealed");
        }
    }

    private byte[] newMaterial() {
        byte[] material = new byte[32];
        random.nextBytes(material);
        return material;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decodeBase64(String text, String field) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new KmsError("ValidationException", field + " is not base64");
        }
    }

    private static final class KmsError extends RuntimeException {
        private final String type;

        KmsError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }
}
