package dev.libraryevents.localcloud.cognito;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.apigateway.ApiGateway;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Cognito user pools from the template, over Cognito's own API ({@code aws cognito-idp …}): users created and given
 * passwords by an administrator, groups, password sign-in, and tokens as Cognito issues them. The pieces: the
 * pools' state ({@link UserPools}), the wire protocol ({@link CognitoApi}) and the tokens ({@link Tokens}). The local
 * {@link ApiGateway}'s authorizer checks tokens with {@link #verifyIdToken}.
 */
public final class CognitoIdp {

    public static final String TARGET_PREFIX = "AWSCognitoIdentityProviderService";

    private final UserPools pools;
    private final Tokens tokens;
    private final CognitoApi api;

    /**
     * @param endpoint the AWS endpoint's URL, the issuers' base
     * @param dataDirectory null to keep users and the signing key in memory
     */
    public CognitoIdp(CloudTemplate template, Supplier<URI> endpoint, Path dataDirectory, Clock clock)
            throws IOException {
        pools = new UserPools(template, dataDirectory);
        tokens = new Tokens(pools, endpoint, clock);
        api = new CognitoApi(pools, tokens, clock);
    }

    /** Every pool's id, with its app clients' ids: what {@code bin/local-cloud} prints for signing in. */
    public Map<String, List<String>> poolsAndClients() {
        return pools.poolsAndClients();
    }

    public String issuer(String poolId) {
        return tokens.issuer(poolId);
    }

    /**
     * The claims of a valid ID token one of these pools issued, as API Gateway's Cognito authorizer passes them on
     * (every value a string); otherwise {@link Jwt.Refused} with the reason, which the client never sees.
     */
    public Map<String, String> verifyIdToken(String token, Collection<String> poolArns) throws Jwt.Refused {
        return tokens.verifyIdToken(token, poolArns);
    }

    /** Signs {@code claims} with the pools' key: for tests that forge a token which fails one check only. */
    public String sign(ObjectNode claims) {
        return tokens.sign(claims);
    }

    /** One {@code AWSCognitoIdentityProviderService.<operation>} call (JSON 1.1). */
    public void handle(AwsEndpoint.Call call, String operation) throws IOException {
        api.handle(call, operation);
    }

    /** Answers {@code /<poolId>/.well-known/jwks.json} and {@code openid-configuration}; false for other paths. */
    public boolean serveWellKnown(AwsEndpoint.Call call) throws IOException {
        return api.serveWellKnown(call);
    }
}
