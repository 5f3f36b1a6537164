package dev.libraryevents.localcloud.cognito;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.cognito.UserPools.Client;
import dev.libraryevents.localcloud.cognito.UserPools.Pool;
import dev.libraryevents.localcloud.cognito.UserPools.Session;
import dev.libraryevents.localcloud.cognito.UserPools.User;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Tokens as Cognito issues them, RS256 JWTs signed by the pools' key, and their check as API Gateway's Cognito
 * authorizer makes it. The issuer is the pool's URL on this endpoint ({@code http://127.0.0.1:4566/us-east-1_…}),
 * where AWS's is {@code https://cognito-idp.<region>…}.
 */
final class Tokens {

    /** How API Gateway renders {@code exp} and {@code iat} in the claims it passes on. */
    private static final DateTimeFormatter CLAIM_DATE =
            DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy", Locale.US).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserPools state;
    private final Supplier<URI> endpoint;
    private final Clock clock;
    private final String kid;

    Tokens(UserPools state, Supplier<URI> endpoint, Clock clock) {
        this.state = state;
        this.endpoint = endpoint;
        this.clock = clock;
        this.kid = HexFormat.of().formatHex(sha256(state.key().getPublic().getEncoded()), 0, 16);
    }

    String issuer(String poolId) {
        return endpoint.get().toString().replaceAll("/$", "") + "/" + poolId;
    }

    /** The pools' public key as a JSON Web Key, for {@code jwks.json}. */
    JsonNode jwk() {
        return Jwt.jwk(kid, (RSAPublicKey) state.key().getPublic());
    }

    /** Signs {@code claims} with the pools' key. */
    String sign(ObjectNode claims) {
        return Jwt.sign(kid, state.key().getPrivate(), claims);
    }

    /**
     * The claims of a valid ID token one of these pools issued, as API Gateway's Cognito authorizer passes them on
     * (every value a string); otherwise {@link Jwt.Refused} with the reason, which the client never sees.
     */
    Map<String, String> verifyIdToken(String token, Collection<String> poolArns) throws Jwt.Refused {
        Jwt.Parsed jwt = Jwt.parse(token);
        if (!jwt.header().path("alg").asText().equals("RS256")) {
            throw new Jwt.Refused("alg " + jwt.header().path("alg") + " is not RS256");
        }
        if (!jwt.header().path("kid").asText().equals(kid) || !jwt.signedBy(state.key().getPublic())) {
            throw new Jwt.Refused("not signed by the pool's key");
        }
        JsonNode claims = jwt.claims();
        Pool pool = state.pools.values().stream().filter(p -> poolArns.contains(p.arn()))
                .filter(p -> issuer(p.id()).equals(claims.path("iss").asText())).findFirst()
                .orElseThrow(() -> new Jwt.Refused("issuer " + claims.path("iss") + " is not the authorizer's pool"));
        if (!claims.path("token_use").asText().equals("id")) {
            throw new Jwt.Refused("token_use " + claims.path("token_use") + ": the authorizer takes ID tokens");
        }
        Client client = state.clients.get(claims.path("aud").asText());
        if (client == null || !client.poolId().equals(pool.id())) {
            throw new Jwt.Refused("audience " + claims.path("aud") + " is none of the pool's app clients");
        }
        if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() <= clock.instant().getEpochSecond()) {
            throw new Jwt.Refused("expired at " + claims.path("exp"));
        }
        Map<String, String> passed = new LinkedHashMap<>();
        claims.fields().forEachRemaining(claim -> passed.put(claim.getKey(), asClaimString(claim.getKey(),
                claim.getValue())));
        return passed;
    }

    private static String asClaimString(String name, JsonNode value) {
        if ((name.equals("exp") || name.equals("iat")) && value.canConvertToLong()) {
            return CLAIM_DATE.format(Instant.ofEpochSecond(value.asLong()));
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** The three tokens of a sign-in, with Cognito's claims. */
    ObjectNode tokens(Pool pool, User user, Client client, boolean withRefreshToken) {
        long now = clock.instant().getEpochSecond();
        String originJti = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        ObjectNode id = CloudTemplate.JSON.createObjectNode().put("sub", user.sub);
        if (!user.groups.isEmpty()) {
            user.groups.forEach(id.withArray("cognito:groups")::add);
        }
        id.put("email_verified", user.emailVerified).put("iss", issuer(pool.id()))
                .put("cognito:username", user.username).put("origin_jti", originJti).put("aud", client.id())
                .put("event_id", eventId).put("token_use", "id").put("auth_time", now)
                .put("exp", now + client.idTokenValidity().toSeconds()).put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        if (user.email != null) {
            id.put("email", user.email);
        }
        ObjectNode access = CloudTemplate.JSON.createObjectNode().put("sub", user.sub);
        if (!user.groups.isEmpty()) {
            user.groups.forEach(access.withArray("cognito:groups")::add);
        }
        access.put("iss", issuer(pool.id())).put("client_id", client.id()).put("origin_jti", originJti)
                .put("event_id", eventId).put("token_use", "access").put("scope", "aws.cognito.signin.user.admin")
                .put("auth_time", now).put("exp", now + client.accessTokenValidity().toSeconds()).put("iat", now)
                .put("jti", UUID.randomUUID().toString()).put("username", user.username);
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        answer.putObject("ChallengeParameters");
        ObjectNode result = answer.putObject("AuthenticationResult")
                .put("AccessToken", sign(access))
                .put("ExpiresIn", client.accessTokenValidity().toSeconds())
                .put("TokenType", "Bearer")
                .put("IdToken", sign(id));
        if (withRefreshToken) {
            String refresh = randomToken();
            state.refreshTokens.put(refresh, new Session(pool.id(), user.sub, client.id()));
            result.put("RefreshToken", refresh);
        }
        return answer;
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

}
