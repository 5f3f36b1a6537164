package dev.libraryevents.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * A stand-in for KMS in unit tests, the one AWS part they cannot run (the local cloud's KMS serves the ITs):
 * {@code GenerateDataKey} and {@code Decrypt} with one in-memory key, the encryption context bound as AES-GCM's
 * additional data as KMS binds it, a wrong context refused with KMS's {@code InvalidCiphertextException}. Counts
 * its decrypts, so that a test can see a cache at work.
 */
public final class StandInKms implements KmsClient {

    public static final String KEY_ID = "arn:aws:kms:us-east-1:000000000000:key/stand-in";

    private final byte[] masterKey = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger decrypts = new AtomicInteger();

    public StandInKms() {
        random.nextBytes(masterKey);
    }

    public int decrypts() {
        return decrypts.get();
    }

    @Override
    public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request) {
        byte[] plaintext = new byte[32];
        random.nextBytes(plaintext);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, nonce, request.encryptionContext(), plaintext);
        byte[] blob = ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
        return GenerateDataKeyResponse.builder().keyId(request.keyId()).plaintext(SdkBytes.fromByteArray(plaintext))
                .ciphertextBlob(SdkBytes.fromByteArray(blob)).build();
    }

    @Override
    public DecryptResponse decrypt(DecryptRequest request) {
        decrypts.incrementAndGet();
        byte[] blob = request.ciphertextBlob().asByteArray();
        byte[] plaintext = crypt(Cipher.DECRYPT_MODE, Arrays.copyOf(blob, 12), request.encryptionContext(),
                Arrays.copyOfRange(blob, 12, blob.length));
        return DecryptResponse.builder().keyId(KEY_ID).plaintext(SdkBytes.fromByteArray(plaintext)).build();
    }

    private byte[] crypt(int mode, byte[] nonce, Map<String, String> context, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(masterKey, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(new TreeMap<>(context).toString().getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw InvalidCiphertextException.builder().message("the ciphertext or its context is not valid").build();
        }
    }

    @Override
    public String serviceName() {
        return "kms";
    }

    @Override
    public void close() {}
}
