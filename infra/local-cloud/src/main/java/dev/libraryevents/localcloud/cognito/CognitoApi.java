package dev.libraryevents.localcloud.cognito;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.localcloud.cognito.UserPools.Client;
import dev.libraryevents.localcloud.cognito.UserPools.Pool;
import dev.libraryevents.localcloud.cognito.UserPools.User;
import dev.libraryevents.localcloud.endpoint.AwsEndpoint;
import dev.libraryevents.localcloud.template.CloudTemplate;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cognito's wire protocol ({@code AWSCognitoIdentityProviderService.<operation>}, JSON 1.1) over {@link UserPools}:
 * the administrator's user operations, password sign-in with its challenge, the pools' and clients' listings, and the
 * well-known documents ({@code /<poolId>/.well-known/jwks.json}, {@code openid-configuration}).
 */
final class CognitoApi {

    private static final Pattern WELL_KNOWN =
            Pattern.compile("^/([a-z]{2}-[a-z]+-\\d_[0-9A-Za-z]+)/\\.well-known/(jwks\\.json|openid-configuration)$");

    private final UserPools state;
    private final Tokens tokens;
    private final Clock clock;
    private final SignIn signIn;

    CognitoApi(UserPools state, Tokens tokens, Clock clock) {
        this.state = state;
        this.tokens = tokens;
        this.clock = clock;
        this.signIn = new SignIn(state, tokens, clock);
    }

    /** Answers {@code /<poolId>/.well-known/jwks.json} and {@code openid-configuration}; false for other paths. */
    boolean serveWellKnown(AwsEndpoint.Call call) throws IOException {
        Matcher path = WELL_KNOWN.matcher(call.exchange().getRequestURI().getPath());
        if (!path.matches()) {
            return false;
        }
        if (!state.pools.containsKey(path.group(1))) {
            AwsEndpoint.respond(call.exchange(), 404, "application/json",
                    "{\"message\":\"User pool " + path.group(1) + " does not exist.\"}");
            return true;
        }
        ObjectNode document = CloudTemplate.JSON.createObjectNode();
        if (path.group(2).equals("jwks.json")) {
            document.putArray("keys").add(tokens.jwk());
        } else {
            String issuer = tokens.issuer(path.group(1));
            document.put("issuer", issuer).put("jwks_uri", issuer + "/.well-known/jwks.json");
            document.putArray("id_token_signing_alg_values_supported").add("RS256");
            document.putArray("subject_types_supported").add("public");
        }
        AwsEndpoint.respond(call.exchange(), 200, "application/json", document.toString());
        return true;
    }

    /** One {@code AWSCognitoIdentityProviderService.<operation>} call (JSON 1.1). */
    void handle(AwsEndpoint.Call call, String operation) throws IOException {
        JsonNode request = AwsEndpoint.readJson(call.body());
        if (!request.isObject()) {
            AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error("SerializationException",
                    "the body is not a JSON object"));
            return;
        }
        try {
            if (operation.startsWith("Admin") || operation.equals("ListUsers")) {
                call.authorize("cognito-idp:" + operation, pool(request).arn());
            }
            ObjectNode answer = switch (operation) {
                case "AdminCreateUser" -> adminCreateUser(request);
                case "AdminSetUserPassword" -> adminSetUserPassword(request);
                case "AdminAddUserToGroup" -> adminGroup(request, true);
                case "AdminRemoveUserFromGroup" -> adminGroup(request, false);
                case "AdminListGroupsForUser" -> adminListGroupsForUser(request);
                case "AdminGetUser" -> adminGetUser(request);
                case "AdminDeleteUser" -> adminDeleteUser(request);
                case "AdminInitiateAuth" -> signIn.initiateAuth(request, true);
                case "InitiateAuth" -> signIn.initiateAuth(request, false);
                case "RespondToAuthChallenge", "AdminRespondToAuthChallenge" -> signIn.respondToChallenge(request);
                case "ListUsers" -> listUsers(request);
                case "ListUserPools" -> listUserPools();
                case "ListUserPoolClients" -> listUserPoolClients(request);
                case "DescribeUserPoolClient" -> describeUserPoolClient(request);
                default -> throw new CognitoFailure("UnknownOperationException",
                        "The local cloud does not know the operation " + operation);
            };
            AwsEndpoint.respondJson(call.exchange(), 200, answer.toString());
        } catch (CognitoFailure failure) {
            AwsEndpoint.respondJson(call.exchange(), 400, AwsEndpoint.error(failure.type, failure.getMessage()));
        }
    }

    private ObjectNode adminCreateUser(JsonNode request) throws CognitoFailure {
        Pool pool = pool(request);
        String username = required(request, "Username");
        Map<String, String> attributes = attributes(request.path("UserAttributes"));
        User user = new User();
        user.sub = UUID.randomUUID().toString();
        if (pool.emailIsUsername()) {
            if (!username.contains("@")) {
                throw new CognitoFailure("InvalidParameterException", "Username should be an email.");
            }
            user.username = user.sub;
            user.email = username.toLowerCase(Locale.ROOT);
        } else {
            user.username = username;
            user.email = attributes.get("email");
        }
        user.emailVerified = "true".equals(attributes.get("email_verified"));
        String temporary = request.path("TemporaryPassword").asText(null);
        if (temporary != null) {
            checkPassword(pool, temporary);
        }
        user.password = temporary != null ? temporary : randomPassword();
        user.status = "FORCE_CHANGE_PASSWORD";
        user.created = user.modified = clock.instant();
        synchronized (pool) {
            if (UserPools.find(pool, username).isPresent() || (user.email != null && UserPools.find(pool, user.email).isPresent())) {
                throw new CognitoFailure("UsernameExistsException", "An account with the given email already exists.");
            }
            pool.users().put(user.sub, user);
        }
        state.save();
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        describe(user, answer.putObject("User"), "Attributes");
        return answer;
    }

    private ObjectNode adminSetUserPassword(JsonNode request) throws CognitoFailure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        String password = required(request, "Password");
        checkPassword(pool, password);
        synchronized (pool) {
            user.password = password;
            user.status = request.path("Permanent").asBoolean(false) ? "CONFIRMED" : "FORCE_CHANGE_PASSWORD";
            user.modified = clock.instant();
        }
        state.save();
        return CloudTemplate.JSON.createObjectNode();
    }

    private ObjectNode adminGroup(JsonNode request, boolean add) throws CognitoFailure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        String group = required(request, "GroupName");
        if (!pool.groups().contains(group)) {
            throw new CognitoFailure("ResourceNotFoundException", "Group not found.");
        }
        synchronized (pool) {
            if (add) {
                user.groups.add(group);
            } else {
                user.groups.remove(group);
            }
        }
        state.save();
        return CloudTemplate.JSON.createObjectNode();
    }

    private ObjectNode adminListGroupsForUser(JsonNode request) throws CognitoFailure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode groups = answer.putArray("Groups");
        user.groups.forEach(group -> groups.addObject().put("GroupName", group).put("UserPoolId", pool.id()));
        return answer;
    }

    private ObjectNode adminGetUser(JsonNode request) throws CognitoFailure {
        Pool pool = pool(request);
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        describe(user(pool, required(request, "Username")), answer, "UserAttributes");
        return answer;
    }

    private ObjectNode adminDeleteUser(JsonNode request) throws CognitoFailure {
        Pool pool = pool(request);
        User user = user(pool, required(request, "Username"));
        pool.users().remove(user.sub);
        state.refreshTokens.values().removeIf(session -> session.sub().equals(user.sub));
        state.save();
        return CloudTemplate.JSON.createObjectNode();
    }

    private ObjectNode listUsers(JsonNode request) throws CognitoFailure {
        Pool pool = pool(request);
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode users = answer.putArray("Users");
        pool.users().values().forEach(user -> describe(user, users.addObject(), "Attributes"));
        return answer;
    }

    private ObjectNode listUserPools() {
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode list = answer.putArray("UserPools");
        state.pools.values().forEach(pool -> list.addObject().put("Id", pool.id()).put("Name", pool.id()));
        return answer;
    }

    /** The usual way to find a pool's app client: its id, pool and name, in the order the template declares them. */
    private ObjectNode listUserPoolClients(JsonNode request) throws CognitoFailure {
        String poolId = pool(request).id();
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ArrayNode list = answer.putArray("UserPoolClients");
        state.clients.values().stream().filter(client -> client.poolId().equals(poolId)).forEach(client ->
                list.addObject().put("ClientId", client.id()).put("UserPoolId", poolId)
                        .put("ClientName", client.name()));
        return answer;
    }

    private ObjectNode describeUserPoolClient(JsonNode request) throws CognitoFailure {
        String poolId = pool(request).id();
        Client client = state.clients.get(required(request, "ClientId"));
        if (client == null || !client.poolId().equals(poolId)) {
            throw new CognitoFailure("ResourceNotFoundException", "User pool client " + request.path("ClientId").asText()
                    + " does not exist.");
        }
        ObjectNode answer = CloudTemplate.JSON.createObjectNode();
        ObjectNode described = answer.putObject("UserPoolClient").put("UserPoolId", poolId)
                .put("ClientName", client.name()).put("ClientId", client.id())
                .put("IdTokenValidity", client.idTokenValidity().toMinutes())
                .put("AccessTokenValidity", client.accessTokenValidity().toMinutes())
                .put("PreventUserExistenceErrors", client.hidesUnknownUsers() ? "ENABLED" : "LEGACY");
        described.putObject("TokenValidityUnits").put("IdToken", "minutes").put("AccessToken", "minutes");
        ArrayNode flows = described.putArray("ExplicitAuthFlows");
        client.authFlows().forEach(flows::add);
        return answer;
    }

    private Pool pool(JsonNode request) throws CognitoFailure {
        Pool pool = state.pools.get(required(request, "UserPoolId"));
        if (pool == null) {
            throw new CognitoFailure("ResourceNotFoundException", "User pool " + request.path("UserPoolId").asText()
                    + " does not exist.");
        }
        return pool;
    }

    private static User user(Pool pool, String username) throws CognitoFailure {
        return UserPools.find(pool, username).orElseThrow(() -> new CognitoFailure("UserNotFoundException", "User does not exist."));
    }

    static String required(JsonNode request, String field) throws CognitoFailure {
        String value = request.path(field).asText("");
        if (value.isEmpty()) {
            throw new CognitoFailure("InvalidParameterException", "1 validation error detected: Value at '"
                    + Character.toLowerCase(field.charAt(0)) + field.substring(1) + "' failed to satisfy constraint: "
                    + "Member must not be null");
        }
        return value;
    }

    static void checkPassword(Pool pool, String password) throws CognitoFailure {
        String violation = pool.policy().violation(password);
        if (violation != null) {
            throw new CognitoFailure("InvalidPasswordException", "Password did not conform with policy: " + violation);
        }
    }

    private static Map<String, String> attributes(JsonNode list) {
        Map<String, String> attributes = new LinkedHashMap<>();
        list.forEach(attribute -> attributes.put(attribute.path("Name").asText(), attribute.path("Value").asText()));
        return attributes;
    }

    private static void describe(User user, ObjectNode into, String attributesField) {
        into.put("Username", user.username).put("Enabled", true).put("UserStatus", user.status)
                .put("UserCreateDate", user.created.getEpochSecond())
                .put("UserLastModifiedDate", user.modified.getEpochSecond());
        ArrayNode attributes = into.putArray(attributesField);
        attributes.addObject().put("Name", "sub").put("Value", user.sub);
        if (user.email != null) {
            attributes.addObject().put("Name", "email").put("Value", user.email);
            attributes.addObject().put("Name", "email_verified").put("Value", Boolean.toString(user.emailVerified));
        }
    }

    /** Meets any password policy Cognito allows: letters of both cases, digits and a symbol, 20 long. */
    private static String randomPassword() {
        return "Tmp-" + Tokens.randomToken().substring(0, 12) + "a7Z!";
    }

}
