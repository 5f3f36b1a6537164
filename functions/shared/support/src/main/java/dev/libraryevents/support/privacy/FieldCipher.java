package dev.libraryevents.support.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One personal field, encrypted with its subject's data key in the form {@code schemas/personal-data.json} defines:
 * {@code pd1:<userId>:<base64url(nonce ‖ ciphertext ‖ tag)>}, AES-256-GCM with a random 12-byte nonce and the userId
 * as additional authenticated data. The value names whose key opens it, so a reader needs nothing else; the userId
 * in the AAD stops a value from being passed off as another user's.
 */
public final class FieldCipher {

    static final String PREFIX = "pd1:";
    private static final Pattern FORM = Pattern.compile(
            "^pd1:([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}):([A-Za-z0-9_-]{39,})$");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FieldCipher() {}

    /** Whether the text is an encrypted field (version 2 events) rather than one in clear (version 1). */
    public static boolean isEncrypted(String value) {
        return value != null && value.startsWith(PREFIX) && FORM.matcher(value).matches();
    }

    /** The user whose data key opens this value; empty when it is not an encrypted field. */
    public static Optional<String> owner(String value) {
        if (value == null || !value.startsWith(PREFIX)) {
            return Optional.empty();
        }
        var matcher = FORM.matcher(value);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    public static String encrypt(String userId, byte[] dataKey, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, dataKey, nonce, userId);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] packed = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, packed, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, packed, NONCE_BYTES, sealed.length);
            return PREFIX + userId + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(packed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /**
     * @return the plaintext; empty when the value was not sealed by this key for its user (tampered, or another key)
     * @throws IllegalArgumentException when the value is not an encrypted field at all
     */
    public static Optional<String> decrypt(String value, byte[] dataKey) {
        var matcher = FORM.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an encrypted field");
        }
        byte[] packed = Base64.getUrlDecoder().decode(matcher.group(2));
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, dataKey, Arrays.copyOf(packed, NONCE_BYTES),
                    matcher.group(1));
            byte[] plain = cipher.doFinal(packed, NONCE_BYTES, packed.length - NONCE_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static Cipher cipher(int mode, byte[] dataKey, byte[] nonce, String userId)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
