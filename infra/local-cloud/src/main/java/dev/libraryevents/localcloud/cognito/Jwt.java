package dev.libraryevents.localcloud.cognito;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/** JSON Web Tokens as Cognito issues them: RS256 (RSASSA-PKCS1-v1_5 over SHA-256), compact serialization. */
public final class Jwt {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    /** A token taken apart, not yet trusted: header, claims, and the signing input and signature to check. */
    record Parsed(JsonNode header, JsonNode claims, byte[] signingInput, byte[] signature) {

        boolean signedBy(PublicKey key) {
            try {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initVerify(key);
                rsa.update(signingInput);
                return rsa.verify(signature);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }

    /** Why a token is refused; the message is for the local cloud's log, never for the client. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private Jwt() {}

    public static String sign(String kid, PrivateKey key, ObjectNode claims) {
        ObjectNode header = CloudTemplate.JSON.createObjectNode().put("kid", kid).put("alg", "RS256");
        String input = encode(header.toString()) + "." + encode(claims.toString());
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + BASE64URL.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with RS256", e);
        }
    }

    static Parsed parse(String token) throws Refused {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new Refused("not a JWT: " + parts.length + " parts");
        }
        try {
            JsonNode header = CloudTemplate.JSON.readTree(BASE64URL_DECODER.decode(parts[0]));
            JsonNode claims = CloudTemplate.JSON.readTree(BASE64URL_DECODER.decode(parts[1]));
            if (header == null || !header.isObject() || claims == null || !claims.isObject()) {
                throw new Refused("header or claims are not JSON objects");
            }
            return new Parsed(header, claims, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                    BASE64URL_DECODER.decode(parts[2]));
        } catch (IllegalArgumentException | IOException e) {
            throw new Refused("not base64url JSON: " + e.getMessage());
        }
    }

    /** The public key as a JWK, as Cognito's {@code /.well-known/jwks.json} lists it. */
    static ObjectNode jwk(String kid, RSAPublicKey key) {
        return CloudTemplate.JSON.createObjectNode().put("alg", "RS256").put("e", unsigned(key.getPublicExponent()))
                .put("kid", kid).put("kty", "RSA").put("n", unsigned(key.getModulus())).put("use", "sig");
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int leadingZero = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        byte[] magnitude = new byte[bytes.length - leadingZero];
        System.arraycopy(bytes, leadingZero, magnitude, 0, magnitude.length);
        return BASE64URL.encodeToString(magnitude);
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
