package dev.libraryevents.localcloud.cognito;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.cognito.UserPools.Client;
import dev.libraryevents.localcloud.cognito.UserPools.Pool;
import dev.libraryevents.localcloud.cognito.UserPools.Session;
import dev.libraryevents.localcloud.cognito.UserPools.User;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.time.Clock;
import java.util.Optional;

/**
 * Password sign-in as Cognito runs it: the admin and user password flows, the refresh token, and the
 * {@code NEW_PASSWORD_REQUIRED} challenge of a user an administrator made.
 */
final class SignIn {

    private final UserPools state;
    private final Tokens tokens;
    private final Clock clock;

    SignIn(UserPools state, Tokens tokens, Clock clock) {
        this.state = state;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * Password sign-in: {@code ADMIN_USER_PASSWORD_AUTH} (admin) or {@code USER_PASSWORD_AUTH}, and
     * {@code REFRESH_TOKEN_AUTH}, each only when the app client allows it, as Cognito checks.
     */
    ObjectNode initiateAuth(JsonNode request, boolean admin) throws CognitoFailure {
        Client client = state.clients.get(CognitoApi.required(request, "ClientId"));
        if (client == null || (admin && !client.poolId().equals(CognitoApi.required(request, "UserPoolId")))) {
            throw new CognitoFailure("ResourceNotFoundException", "User pool client " + request.path("ClientId").asText()
                    + " does not exist.");
        }
        Pool pool = state.pools.get(client.poolId());
        String flow = CognitoApi.required(request, "AuthFlow");
        JsonNode parameters = request.path("AuthParameters");
        if (flow.equals("REFRESH_TOKEN_AUTH") || flow.equals("REFRESH_TOKEN")) {
            Session session = state.refreshTokens.get(parameters.path("REFRESH_TOKEN").asText());
            if (session == null || !session.clientId().equals(client.id())
                    || !pool.users().containsKey(session.sub())) {
                throw new CognitoFailure("NotAuthorizedException", "Invalid Refresh Token");
            }
            return tokens.tokens(pool, pool.users().get(session.sub()), client, false);
        }
        String allowed = admin && (flow.equals("ADMIN_USER_PASSWORD_AUTH") || flow.equals("ADMIN_NO_SRP_AUTH"))
                ? "ALLOW_ADMIN_USER_PASSWORD_AUTH" : !admin && flow.equals("USER_PASSWORD_AUTH")
                ? "ALLOW_USER_PASSWORD_AUTH" : null;
        if (allowed == null) {
            throw new CognitoFailure("InvalidParameterException", "The local cloud does not support the auth flow " + flow
                    + "; use " + (admin ? "ADMIN_USER_PASSWORD_AUTH" : "USER_PASSWORD_AUTH"));
        }
        if (!client.authFlows().contains(allowed) && !client.authFlows().contains(allowed.replace("ALLOW_", ""))) {
            throw new CognitoFailure("InvalidParameterException", "Auth flow not enabled for this client");
        }
        Optional<User> found = UserPools.find(pool, parameters.path("USERNAME").asText());
        if (found.isEmpty() && !client.hidesUnknownUsers()) {
            throw new CognitoFailure("UserNotFoundException", "User does not exist.");
        }
        if (found.isEmpty() || !found.get().password.equals(parameters.path("PASSWORD").asText())) {
            throw new CognitoFailure("NotAuthorizedException", "Incorrect username or password.");
        }
        User user = found.get();
        if (user.status.equals("FORCE_CHANGE_PASSWORD")) {
            String session = Tokens.randomToken();
            state.challenges.put(session, new Session(pool.id(), user.sub, client.id()));
            ObjectNode answer = CloudTemplate.JSON.createObjectNode().put("ChallengeName", "NEW_PASSWORD_REQUIRED")
                    .put("Session", session);
            answer.putObject("ChallengeParameters").put("USER_ID_FOR_SRP", user.username)
                    .put("requiredAttributes", "[]").put("userAttributes", "{\"email\":\"" + user.email + "\"}");
            return answer;
        }
        return tokens.tokens(pool, user, client, true);
    }

    ObjectNode respondToChallenge(JsonNode request) throws CognitoFailure {
        if (!request.path("ChallengeName").asText().equals("NEW_PASSWORD_REQUIRED")) {
            throw new CognitoFailure("InvalidParameterException", "The local cloud answers only NEW_PASSWORD_REQUIRED");
        }
        Session session = state.challenges.remove(request.path("Session").asText());
        if (session == null || !session.clientId().equals(request.path("ClientId").asText())) {
            throw new CognitoFailure("NotAuthorizedException", "Invalid session for the user, session is expired.");
        }
        Pool pool = state.pools.get(session.poolId());
        User user = pool.users().get(session.sub());
        String password = request.path("ChallengeResponses").path("NEW_PASSWORD").asText("");
        CognitoApi.checkPassword(pool, password);
        synchronized (pool) {
            user.password = password;
            user.status = "CONFIRMED";
            user.modified = clock.instant();
        }
        state.save();
        return tokens.tokens(pool, user, state.clients.get(session.clientId()), true);
    }
}
